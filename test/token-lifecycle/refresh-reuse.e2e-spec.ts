import { SecurityEvents, type TimedSecurityEvent } from '@rampart/security';
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

  it('emits a refresh_token.reused security event, with ids only', async () => {
    const events: TimedSecurityEvent[] = [];
    const unsubscribe = app()
      .get(SecurityEvents)
      .subscribe((event) => events.push(event));
    try {
      const api = client(app());
      const first = await api.login();
      await api.refresh(first.refresh_token).expect(200);
      await api.refresh(first.refresh_token).expect(401);
      const reused = events.filter((event) => event.type === 'refresh_token.reused');
      expect(reused).toEqual([
        {
          type: 'refresh_token.reused',
          userId: 'u-alice',
          familyId: expect.any(String),
          at: expect.any(Number),
        },
      ]);
      expect(events).toContainEqual(
        expect.objectContaining({ type: 'refresh_family.revoked', userId: 'u-alice' }),
      );
      expect(JSON.stringify(events)).not.toContain(first.refresh_token);
    } finally {
      unsubscribe();
    }
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
