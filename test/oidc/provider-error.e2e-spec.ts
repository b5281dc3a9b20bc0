import { ADAPTERS } from '../support/apps';
import { callback, expectRefused, startLogin, useHostileScenario } from './hostile-scenario';

/** `?error=` from the provider: a fixed JSON error; the provider's (or an attacker's) text is never echoed. */
describe.each(ADAPTERS)('OIDC provider error response (%s)', (adapter) => {
  const scenario = useHostileScenario(adapter);
  const payload = '<script>alert(document.cookie)</script>';

  it.each(['access_denied', 'server_error', payload])(
    'answers 401 JSON for error=%s without reflecting error_description',
    async (error) => {
      const login = await startLogin(scenario);
      const response = await callback(scenario, login.browser, {
        error,
        error_description: payload,
        error_uri: 'https://evil.example/',
        state: login.state,
      });
      await expectRefused(scenario, login.browser, response);
      expect(response.text).not.toContain('script');
      expect(response.text).not.toContain('alert');
      expect(response.text).not.toContain('evil');
      expect(response.headers.get('content-type')).not.toMatch(/html/);
    },
  );
});
