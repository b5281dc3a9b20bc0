import { rateLimitHeaders } from './rate-limit-headers';

describe('rateLimitHeaders', () => {
  it('is empty when nothing was counted', () => {
    expect(rateLimitHeaders([])).toEqual({});
  });

  it('describes the limit with the fewest remaining and lists every policy', () => {
    expect(
      rateLimitHeaders([
        { limit: 100, remaining: 40, resetSeconds: 50, windowSeconds: 60 },
        { limit: 10, remaining: 2, resetSeconds: 1, windowSeconds: 1 },
      ]),
    ).toEqual({
      'ratelimit-limit': '10',
      'ratelimit-remaining': '2',
      'ratelimit-reset': '1',
      'ratelimit-policy': '100;w=60, 10;w=1',
    });
  });

  it('breaks a tie on remaining by the later reset', () => {
    const headers = rateLimitHeaders([
      { limit: 5, remaining: 0, resetSeconds: 3, windowSeconds: 10 },
      { limit: 50, remaining: 0, resetSeconds: 30, windowSeconds: 60 },
    ]);
    expect(headers['ratelimit-limit']).toBe('50');
    expect(headers['ratelimit-reset']).toBe('30');
  });
});
