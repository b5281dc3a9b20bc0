import { ADAPTERS } from '../support/apps';
import { useHostileScenario } from './hostile-scenario';

/** The redirect URI is the configured absolute URL: Host and X-Forwarded-* never change it. */
describe.each(ADAPTERS)('OIDC redirect_uri from configuration only (%s)', (adapter) => {
  const scenario = useHostileScenario(adapter);

  it.each([
    ['Host', { host: 'evil.example' }],
    ['X-Forwarded-Host', { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' }],
    ['Forwarded', { forwarded: 'host=evil.example;proto=https' }],
  ])('ignores %s', async (_name, headers) => {
    const response = await fetch(`${scenario.app.url}/auth/oidc/login`, {
      headers,
      redirect: 'manual',
    });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location') ?? '');
    expect(location.origin).toBe(scenario.provider.issuer);
    expect(location.searchParams.get('redirect_uri')).toBe(
      `${scenario.app.url}/auth/oidc/callback`,
    );
  });
});
