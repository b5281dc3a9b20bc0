import { MATRIX } from '../support/apps';
import { type Pair, client, useTokenApp } from './client';

describe.each(MATRIX)('refresh-token reuse (%s, %s store)', (adapter, store) => {
  const app = useTokenApp(adapter, store);

  it('a rotated token used again is refused and revokes the whole family, access tokens included', async () => {
    const api = client(app());
    const first = await api.login();
    const second = (await api.refresh(first.refresh_token).expect(200)).body as Pair;
    await api.me(second.access_token).expect(200);

    const reuse = await api.refresh(first.refresh_token);
    expect(reuse.status).toBe(401);
    expect(reuse.body.code).toBe('SECURITY_INVALID_REFRESH_TOKEN');

    // The legitimate holder's newer tokens die with the family.
    expect((await api.refresh(second.refresh_token)).status).toBe(401);
    const me = await api.me(second.access_token);
    expect(me.status).toBe(401);
    expect(me.body.code).toBe('SECURITY_INVALID_TOKEN');
    await api.me(first.access_token).expect(401);
  });

  it('leaves other families of the same user alone', async () => {
    const api = client(app());
    const stolen = await api.login();
    const other = await api.login();
    await api.refresh(stolen.refresh_token).expect(200);
    await api.refresh(stolen.refresh_token).expect(401);
    await api.me(other.access_token).expect(200);
    await api.refresh(other.refresh_token).expect(200);
  });
});
