import { ADAPTERS } from '../support/apps';
import { callback, expectRefused, startLogin, useHostileScenario } from './hostile-scenario';

/** A callback without `state` is refused, and never restarts a login or reaches the token endpoint. */
describe.each(ADAPTERS)('OIDC callback without state (%s)', (adapter) => {
  const scenario = useHostileScenario(adapter);

  it('refuses a code without state (401), without calling the token endpoint', async () => {
    const login = await startLogin(scenario);
    const before = scenario.provider.tokenRequests.length;
    const response = await callback(scenario, login.browser, { code: 'code-1' });
    await expectRefused(scenario, login.browser, response);
    expect(scenario.provider.tokenRequests).toHaveLength(before);
  });

  it('refuses a callback with neither code nor state (no new login is started)', async () => {
    const login = await startLogin(scenario);
    const response = await callback(scenario, login.browser, {});
    expect(response.location).toBeUndefined();
    await expectRefused(scenario, login.browser, response);
  });

  it('refuses a state without the browser-binding cookie', async () => {
    const login = await startLogin(scenario);
    const response = await fetch(
      `${scenario.app.url}/auth/oidc/callback?code=c&state=${login.state}`,
      { redirect: 'manual' },
    );
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: 'SECURITY_OIDC_FAILED' });
  });
});
