import { startReferenceApp, type ReferenceApp } from '../contract/reference-app';
import { ADAPTERS } from '../support/apps';

/**
 * The reference app's example policy, black box (the built app, `npx nest build`):
 * `GET /users/:id` under `@Policies('users.self-or-admin')`.
 */
const FORBIDDEN = {
  statusCode: 403,
  code: 'SECURITY_FORBIDDEN',
  message: 'You do not have permission to access this resource.',
};

describe.each(ADAPTERS)('reference app GET /users/:id policy (%s)', (adapter) => {
  let app: ReferenceApp;
  let alice: string;
  let admin: string;

  const call = async (path: string, token?: string) => {
    const response = await fetch(new URL(path, app.url), {
      headers: token === undefined ? {} : { Authorization: `Bearer ${token}` },
    });
    return { status: response.status, body: await response.json() };
  };
  const login = async (username: string, password: string): Promise<string> => {
    const response = await fetch(new URL('/auth/token', app.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    const body = (await response.json()) as { access_token?: unknown };
    if (typeof body.access_token !== 'string') throw new Error(`login ${username} failed`);
    return body.access_token;
  };

  beforeAll(async () => {
    app = await startReferenceApp({ adapter, store: 'memory' });
    alice = await login('alice', 'alice-password');
    admin = await login('admin', 'admin-password');
  }, 30_000);
  afterAll(() => app.stop(), 15_000);

  it('lets alice read her own account', async () => {
    expect(await call('/users/u-alice', alice)).toEqual({
      status: 200,
      body: { id: 'u-alice', username: 'alice', roles: ['user'] },
    });
  });

  it("refuses alice another user's account with 403 SECURITY_FORBIDDEN", async () => {
    expect(await call('/users/u-admin', alice)).toEqual({ status: 403, body: FORBIDDEN });
  });

  it('lets an admin read any account (the policy says so), and 404 for an unknown one', async () => {
    expect((await call('/users/u-alice', admin)).status).toBe(200);
    expect(await call('/users/u-nobody', admin)).toMatchObject({
      status: 404,
      body: { statusCode: 404, code: 'NOT_FOUND' },
    });
  });

  it('refuses an anonymous caller with 401', async () => {
    expect(await call('/users/u-alice')).toEqual({
      status: 401,
      body: {
        statusCode: 401,
        code: 'SECURITY_AUTHENTICATION_REQUIRED',
        message: 'Authentication is required.',
      },
    });
  });
});
