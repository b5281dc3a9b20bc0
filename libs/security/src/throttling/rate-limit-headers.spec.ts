import { rateLimitHeaders, type RateLimitEntry } from './rate-limit-headers';

const BURST: RateLimitEntry = {
  name: 'burst',
  limit: 10,
  remaining: 2,
  resetSeconds: 1,
  windowSeconds: 1,
};
const SUSTAINED: RateLimitEntry = {
  name: 'default',
  limit: 100,
  remaining: 40,
  resetSeconds: 50,
  windowSeconds: 60,
};

describe('rateLimitHeaders', () => {
  it.each(['draft-8', 'draft-6', false] as const)(
    'is empty when nothing was counted (%s)',
    (format) => {
      expect(rateLimitHeaders([], format)).toEqual({});
    },
  );

  it('sends nothing when switched off, even for counted limits', () => {
    expect(rateLimitHeaders([SUSTAINED, BURST], false)).toEqual({});
  });

  describe("'draft-8'", () => {
    it('builds the policy again when the numbers of a limit change', () => {
      expect(rateLimitHeaders([SUSTAINED], 'draft-8')['ratelimit-policy']).toBe(
        '"default";q=100;w=60',
      );
      expect(rateLimitHeaders([{ ...SUSTAINED, limit: 50 }], 'draft-8')['ratelimit-policy']).toBe(
        '"default";q=50;w=60',
      );
      expect(
        rateLimitHeaders([{ ...SUSTAINED, windowSeconds: 30 }], 'draft-8')['ratelimit-policy'],
      ).toBe('"default";q=100;w=30');
      expect(rateLimitHeaders([SUSTAINED], 'draft-8')).toEqual({
        ratelimit: '"default";r=40;t=50',
        'ratelimit-policy': '"default";q=100;w=60',
      });
    });
    it('names every limit, in the order counted, in RateLimit and RateLimit-Policy', () => {
      expect(rateLimitHeaders([SUSTAINED, BURST], 'draft-8')).toEqual({
        ratelimit: '"default";r=40;t=50, "burst";r=2;t=1',
        'ratelimit-policy': '"default";q=100;w=60, "burst";q=10;w=1',
      });
    });

    it('describes one limit with two fields only', () => {
      const headers = rateLimitHeaders([{ ...BURST, remaining: 0, resetSeconds: 30 }], 'draft-8');
      expect(headers).toEqual({
        ratelimit: '"burst";r=0;t=30',
        'ratelimit-policy': '"burst";q=10;w=1',
      });
    });
  });

  describe("'draft-6'", () => {
    it('describes the limit with the fewest remaining and lists every policy', () => {
      expect(rateLimitHeaders([SUSTAINED, BURST], 'draft-6')).toEqual({
        'ratelimit-limit': '10',
        'ratelimit-remaining': '2',
        'ratelimit-reset': '1',
        'ratelimit-policy': '100;w=60, 10;w=1',
      });
    });

    it('breaks a tie on remaining by the later reset', () => {
      const headers = rateLimitHeaders(
        [
          { name: 'a', limit: 5, remaining: 0, resetSeconds: 3, windowSeconds: 10 },
          { name: 'b', limit: 50, remaining: 0, resetSeconds: 30, windowSeconds: 60 },
        ],
        'draft-6',
      );
      expect(headers['ratelimit-limit']).toBe('50');
      expect(headers['ratelimit-reset']).toBe('30');
    });
  });
});
