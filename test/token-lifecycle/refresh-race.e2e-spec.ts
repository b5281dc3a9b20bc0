import type { INestApplication } from '@nestjs/common';
import { MATRIX, startApp, storeOptions } from '../support/apps';
import { TokenLifecycleModule } from './app.module';
import { client } from './client';

const jwt = { issuer: 'https://issuer.test', audience: 'api.test' };

describe.each(MATRIX)('parallel refreshes (%s, %s store)', (adapter, store) => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await startApp(
      TokenLifecycleModule.with({ environment: 'test', jwt, store: storeOptions(store) }),
      adapter,
    );
  });
  afterAll(() => app.close());

  it('with one token yield exactly one success', async () => {
    const api = client(app);
    const { refresh_token } = await api.login();
    const responses = await Promise.all(
      Array.from({ length: 12 }, () => api.refresh(refresh_token)),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 401)).toHaveLength(11);
  });
});
