import { ADAPTERS } from '../support/apps';
import { callback, expectRefused, startLogin, useHostileScenario } from './hostile-scenario';

/** The provider stops answering between login and callback: 502, no session. */
describe.each(ADAPTERS)('OIDC provider down at callback (%s)', (adapter) => {
  const scenario = useHostileScenario(adapter);

  it('answers 502 SECURITY_OIDC_PROVIDER_UNAVAILABLE when the token endpoint refuses connections', async () => {
    const login = await startLogin(scenario);
    await scenario.provider.pause();
    try {
      const response = await callback(scenario, login.browser, { code: 'c', state: login.state });
      await expectRefused(
        scenario,
        login.browser,
        response,
        502,
        'SECURITY_OIDC_PROVIDER_UNAVAILABLE',
      );
      expect(response.headers.get('retry-after')).toBe('5');
    } finally {
      await scenario.provider.resume();
    }
  });

  it('answers 502 when the token endpoint fails with a server error', async () => {
    const login = await startLogin(scenario);
    scenario.provider.answer = () => ({ status: 503, body: { error: 'temporarily_unavailable' } });
    const response = await callback(scenario, login.browser, { code: 'c', state: login.state });
    await expectRefused(
      scenario,
      login.browser,
      response,
      502,
      'SECURITY_OIDC_PROVIDER_UNAVAILABLE',
    );
  });

  it('answers 401 when the token endpoint refuses the code (invalid_grant)', async () => {
    const login = await startLogin(scenario);
    scenario.provider.answer = () => ({ status: 400, body: { error: 'invalid_grant' } });
    const response = await callback(scenario, login.browser, { code: 'c', state: login.state });
    await expectRefused(scenario, login.browser, response);
  });
});
