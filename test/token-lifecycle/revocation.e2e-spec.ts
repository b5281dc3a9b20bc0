import { RevocationService, TokenService } from '@rampart/security';
import { MATRIX } from '../support/apps';
import { ADMIN_LIKE, type Pair, client, useTokenApp } from './client';

describe.each(MATRIX)('revocation (%s, %s store)', (adapter, store) => {
  const app = useTokenApp(adapter, store);

  it('by token: /auth/revoke kills the presented access token and its refresh family at once', async () => {
    const api = client(app());
    const pair = await api.login();
    const sibling = (await api.refresh(pair.refresh_token).expect(200)).body as Pair;
    await api.revoke(sibling.access_token).expect(204);
    const me = await api.me(sibling.access_token);
    expect(me.status).toBe(401);
    expect(me.body.code).toBe('SECURITY_INVALID_TOKEN');
    await api.refresh(sibling.refresh_token).expect(401);
    await api.me(pair.access_token).expect(401); // same family
  });

  it('by token: another login of the same user keeps working', async () => {
    const api = client(app());
    const revoked = await api.login();
    const other = await api.login();
    await api.revoke(revoked.access_token).expect(204);
    await api.me(other.access_token).expect(200);
  });

  it('by user: /auth/logout-all kills every token and family of the user, not of others', async () => {
    const api = client(app());
    const a = await api.login();
    const b = await api.login();
    const admin = await api.login(ADMIN_LIKE);
    await api.logoutAll(a.access_token).expect(204);
    for (const pair of [a, b]) {
      await api.me(pair.access_token).expect(401);
      await api.refresh(pair.refresh_token).expect(401);
    }
    await api.me(admin.access_token).expect(200);
  });

  it('by user: a login after logout-all works', async () => {
    const api = client(app());
    const before = await api.login();
    await api.logoutAll(before.access_token).expect(204);
    const after = await api.login();
    await api.me(after.access_token).expect(200);
    await api.refresh(after.refresh_token).expect(200);
  });

  it('by session: every token issued for the session is refused, other sessions unaffected', async () => {
    const tokens = app().get(TokenService);
    const user = { id: 'u-alice', username: 'alice', roles: ['user'] };
    const first = tokens.issueAccessToken(user, { sessionId: 's-1' }).accessToken;
    const second = tokens.issueAccessToken(user, { sessionId: 's-1' }).accessToken;
    const other = tokens.issueAccessToken(user, { sessionId: 's-2' }).accessToken;
    await app().get(RevocationService).revokeSession('s-1');
    await client(app()).me(first).expect(401);
    await client(app()).me(second).expect(401);
    await client(app()).me(other).expect(200);
  });

  it('revoke needs a bearer token: anonymous 401', async () => {
    const response = await client(app()).revoke('');
    expect(response.status).toBe(401);
  });
});
