import { ADAPTERS } from '../support/apps';
import { s256 } from './hostile-provider';
import {
  answerWithIdToken,
  callback,
  HOSTILE_CLIENT_ID,
  startLogin,
  useHostileScenario,
} from './hostile-scenario';
import { CLIENT_SECRET } from './oidc-harness';

/**
 * The control case of the hostile-provider specs: a correct ID token is accepted, and the token
 * request carries what the spec asks (client_secret_basic, PKCE verifier, configured redirect_uri).
 */
describe.each(ADAPTERS)('hostile provider, control case (%s)', (adapter) => {
  const scenario = useHostileScenario(adapter);

  it('accepts a correct ID token, with client_secret_basic and the PKCE verifier at the token endpoint', async () => {
    const login = await startLogin(scenario);
    answerWithIdToken(
      scenario,
      scenario.provider.sign(scenario.provider.idTokenClaims(HOSTILE_CLIENT_ID, login.nonce)),
    );
    const done = await callback(scenario, login.browser, { code: 'code-1', state: login.state });
    expect(done.status).toBe(303);
    expect((await login.browser.request(`${scenario.app.url}/me`)).status).toBe(200);

    const request = scenario.provider.tokenRequests.at(-1);
    const basic = Buffer.from(`${HOSTILE_CLIENT_ID}:${CLIENT_SECRET}`).toString('base64');
    expect(request?.authorization).toBe(`Basic ${basic}`);
    expect(request?.form.get('client_secret')).toBeNull();
    expect(request?.form.get('grant_type')).toBe('authorization_code');
    expect(request?.form.get('code')).toBe('code-1');
    expect(request?.form.get('redirect_uri')).toBe(`${scenario.app.url}/auth/oidc/callback`);
    expect(s256(request?.form.get('code_verifier') ?? '')).toBe(login.codeChallenge);
  });

  it('refuses UserInfo that names another subject than the ID token', async () => {
    const login = await startLogin(scenario);
    answerWithIdToken(
      scenario,
      scenario.provider.sign(scenario.provider.idTokenClaims(HOSTILE_CLIENT_ID, login.nonce)),
    );
    scenario.provider.userInfoSub = 'admin';
    try {
      const done = await callback(scenario, login.browser, { code: 'c', state: login.state });
      expect(done.status).toBe(401);
      expect(JSON.parse(done.text)).toMatchObject({ code: 'SECURITY_OIDC_FAILED' });
      expect((await login.browser.request(`${scenario.app.url}/me`)).status).toBe(401);
    } finally {
      scenario.provider.userInfoSub = undefined;
    }
  });

  it('refuses a response whose iss parameter names another provider (RFC 9207 mix-up)', async () => {
    const login = await startLogin(scenario);
    answerWithIdToken(
      scenario,
      scenario.provider.sign(scenario.provider.idTokenClaims(HOSTILE_CLIENT_ID, login.nonce)),
    );
    const done = await callback(scenario, login.browser, {
      code: 'c',
      state: login.state,
      iss: 'https://evil.example',
    });
    expect(done.status).toBe(401);
    expect(JSON.parse(done.text)).toMatchObject({ code: 'SECURITY_OIDC_FAILED' });
    expect((await login.browser.request(`${scenario.app.url}/me`)).status).toBe(401);
  });
});
