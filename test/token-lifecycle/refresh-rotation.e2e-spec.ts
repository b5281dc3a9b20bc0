import { MATRIX } from '../support/apps';
import { client, useTokenApp } from './client';

describe.each(MATRIX)('refresh-token rotation (%s, %s store)', (adapter, store) => {
  const app = useTokenApp(adapter, store);

  it('issues an opaque refresh token with the access token', async () => {
    const pair = await client(app()).login();
    expect(pair.token_type).toBe('Bearer');
    expect(pair.refresh_token).toMatch(/^rt_[A-Za-z0-9_-]{43}$/);
    expect(pair.refresh_token).not.toContain('.');
    await client(app()).me(pair.access_token).expect(200, { id: 'u-alice', username: 'alice' });
  });

  it('rotates on every refresh: a new pair each time, both working', async () => {
    const api = client(app());
    const first = await api.login();
    const second = (await api.refresh(first.refresh_token).expect(200)).body as typeof first;
    const third = (await api.refresh(second.refresh_token).expect(200)).body as typeof first;
    expect(new Set([first.refresh_token, second.refresh_token, third.refresh_token]).size).toBe(3);
    expect(new Set([first.access_token, second.access_token, third.access_token]).size).toBe(3);
    await api.me(third.access_token).expect(200);
  });

  it('answers the token response with Cache-Control: no-store', async () => {
    const pair = await client(app()).login();
    const response = await client(app()).refresh(pair.refresh_token).expect(200);
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it.each([
    ['a missing token', undefined],
    ['a number', 42],
    ['a token of the wrong shape', 'rt_short'],
    ['a well-formed unknown token', `rt_${'A'.repeat(43)}`],
  ])('refuses %s with 401 SECURITY_INVALID_REFRESH_TOKEN', async (_name, token) => {
    const response = await client(app()).refresh(token);
    expect(response.status).toBe(401);
    expect(response.body).toEqual({
      statusCode: 401,
      code: 'SECURITY_INVALID_REFRESH_TOKEN',
      message: 'The refresh token is invalid.',
    });
  });
});
