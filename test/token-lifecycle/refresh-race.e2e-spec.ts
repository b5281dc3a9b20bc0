import { MATRIX } from '../support/apps';
import { client, useTokenApp } from './client';

describe.each(MATRIX)('parallel refreshes (%s, %s store)', (adapter, store) => {
  const app = useTokenApp(adapter, store);

  it('with one token yield exactly one success', async () => {
    const api = client(app());
    const { refresh_token } = await api.login();
    const responses = await Promise.all(
      Array.from({ length: 12 }, () => api.refresh(refresh_token)),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 401)).toHaveLength(11);
  });
});
