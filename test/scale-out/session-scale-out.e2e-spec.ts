import { randomUUID } from 'node:crypto';
import { startReferenceApp, type ReferenceApp } from '../contract/reference-app';
import { loginAt, msUntilStatus, sendWithSession, statusOf } from './browser-client';

const ALICE = { username: 'alice', password: 'alice-password' };
/** The reference app's `session.localCacheTtlMs` (the library default). */
const LOCAL_CACHE_TTL_MS = 2_000;

/**
 * Issue 3, scale-out: two reference-app processes on different ports share one Redis, with no
 * sticky sessions. A session made on one is used on the other; a logout or revocation on one is
 * refused by the other as soon as the invalidation arrives, although the other had the session in
 * its local cache. The measured propagation time is printed (bench/ records its p50/p99).
 */
describe.each(['express', 'fastify'] as const)('sessions across two instances (%s)', (adapter) => {
  let a: ReferenceApp;
  let b: ReferenceApp;

  beforeAll(async () => {
    const env = { REDIS_KEY_PREFIX: `scale-out:${randomUUID()}:` };
    [a, b] = await Promise.all([
      startReferenceApp({ adapter, store: 'redis', env }),
      startReferenceApp({ adapter, store: 'redis', env }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([a.stop(), b.stop()]);
  });

  it('uses a session made on A through B, and a logout on B is refused by A at once', async () => {
    const session = await loginAt(a.url, ALICE);
    // Use through B: authentication, and an unsafe request with A's CSRF token.
    expect(await statusOf(b.url, '/me', session.cookie)).toBe(200);
    const note = await sendWithSession(b.url, 'POST', '/notes', session, { text: 'via B' });
    expect(note.status).toBe(201);
    // A has the session in its local cache now.
    expect(await statusOf(a.url, '/me', session.cookie)).toBe(200);

    const logout = await sendWithSession(b.url, 'POST', '/auth/logout', session);
    expect(logout.status).toBe(204);
    // The revoking instance refuses it at once...
    expect(await statusOf(b.url, '/me', session.cookie)).toBe(401);
    // ...and A as soon as the invalidation arrives, well before its cache entry would expire.
    const propagationMs = await msUntilStatus(a.url, '/me', session.cookie, 401);
    console.log(
      `[${adapter}] logout on B refused by A after ${propagationMs.toFixed(1)} ms (local cache TTL ${LOCAL_CACHE_TTL_MS} ms)`,
    );
    expect(propagationMs).toBeLessThan(LOCAL_CACHE_TTL_MS);
  });

  it('revokes a session listed on A from B, and logout-all on A ends every session on B', async () => {
    const first = await loginAt(a.url, ALICE);
    const second = await loginAt(b.url, ALICE);
    const third = await loginAt(a.url, ALICE);
    for (const session of [first, second, third]) {
      expect(await statusOf(a.url, '/me', session.cookie)).toBe(200);
      expect(await statusOf(b.url, '/me', session.cookie)).toBe(200);
    }
    const listed = await fetch(`${a.url}/auth/sessions`, { headers: { cookie: first.cookie } });
    const sessions = (await listed.json()) as { id: string; current: boolean }[];
    const target = sessions.find((entry) => !entry.current);
    if (target === undefined) throw new Error('no other session listed');
    const revoked = await sendWithSession(b.url, 'DELETE', `/auth/sessions/${target.id}`, first);
    expect(revoked.status).toBe(204);

    const all = await sendWithSession(a.url, 'POST', '/auth/logout-all', first);
    expect(all.status).toBe(204);
    for (const session of [first, second, third]) {
      await msUntilStatus(b.url, '/me', session.cookie, 401);
      expect(await statusOf(a.url, '/me', session.cookie)).toBe(401);
    }
  });
});
