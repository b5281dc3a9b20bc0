import type { INestApplication } from '@nestjs/common';
import { SecurityClock } from '@rampart/security';
import { ManualClock, MATRIX, startApp, storeOptions } from '../support/apps';
import { TokenLifecycleModule } from './app.module';
import { client, type Pair } from './client';

const HOUR_MS = 3_600_000;
const jwt = {
  issuer: 'https://issuer.test',
  audience: 'api.test',
  refreshTokenIdleTtlSeconds: 2 * 3600,
  refreshTokenAbsoluteTtlSeconds: 5 * 3600,
};

/** Expiry on a hand-moved clock: no sleeping. */
describe.each(MATRIX)('refresh-token expiry (%s, %s store)', (adapter, store) => {
  let app: INestApplication;
  let clock: ManualClock;
  beforeEach(async () => {
    clock = new ManualClock();
    app = await startApp(
      TokenLifecycleModule.with({ environment: 'test', jwt, store: storeOptions(store) }),
      adapter,
      (builder) => builder.overrideProvider(SecurityClock).useValue(clock),
    );
  });
  afterEach(() => app.close());

  it('dies when idle longer than refreshTokenIdleTtlSeconds', async () => {
    const api = client(app);
    const pair = await api.login();
    clock.advance(2 * HOUR_MS + 1);
    await api.refresh(pair.refresh_token).expect(401);
  });

  it('lives on while used within the idle window', async () => {
    const api = client(app);
    let pair = await api.login();
    for (let i = 0; i < 3; i++) {
      clock.advance(HOUR_MS);
      pair = (await api.refresh(pair.refresh_token).expect(200)).body as Pair;
    }
  });

  it('dies at refreshTokenAbsoluteTtlSeconds after login, however often used', async () => {
    const api = client(app);
    let pair = await api.login();
    for (let i = 0; i < 4; i++) {
      clock.advance(HOUR_MS + 10 * 60_000);
      pair = (await api.refresh(pair.refresh_token).expect(200)).body as Pair;
    }
    clock.advance(HOUR_MS);
    const response = await api.refresh(pair.refresh_token);
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('SECURITY_INVALID_REFRESH_TOKEN');
  });
});
