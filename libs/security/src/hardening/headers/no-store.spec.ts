import type { NodeHeaderTarget } from './header-plan';
import { markNoStore, NO_STORE_PLAN } from './no-store';

function recordingResponse(): { response: NodeHeaderTarget; headers: Map<string, string> } {
  const headers = new Map<string, string>();
  const response: NodeHeaderTarget = {
    setHeader: (name, value) => headers.set(name, value),
    removeHeader: (name) => headers.delete(name),
  };
  return { response, headers };
}

describe('markNoStore', () => {
  it('sets Cache-Control: no-store and Pragma: no-cache on an Express response', () => {
    const { response, headers } = recordingResponse();
    markNoStore(response);
    expect(Object.fromEntries(headers)).toEqual({
      'cache-control': 'no-store',
      pragma: 'no-cache',
    });
  });

  it('sets them on reply.raw for a Fastify reply', () => {
    const { response: raw, headers } = recordingResponse();
    markNoStore({ raw, removeHeader: () => undefined });
    expect(Object.fromEntries(headers)).toEqual({
      'cache-control': 'no-store',
      pragma: 'no-cache',
    });
  });

  it('replaces an earlier Cache-Control', () => {
    const { response, headers } = recordingResponse();
    response.setHeader('cache-control', 'public, max-age=600');
    markNoStore(response);
    expect(headers.get('cache-control')).toBe('no-store');
  });

  it('uses a frozen, precomputed plan', () => {
    expect(Object.isFrozen(NO_STORE_PLAN)).toBe(true);
    expect(Object.isFrozen(NO_STORE_PLAN.set)).toBe(true);
  });
});
