import type { AdapterName } from '../support/apps';
import { HostileProvider } from './hostile-provider';
import {
  freePort,
  redisStore,
  startOidcApp,
  TestBrowser,
  type BrowserResponse,
  type OidcApp,
} from './oidc-harness';

export const HOSTILE_CLIENT_ID = 'rampart-web';

/** A test app whose only provider is a {@link HostileProvider}. */
export interface HostileScenario {
  provider: HostileProvider;
  app: OidcApp;
}

/** Starts a hostile provider and an app trusting it, for one `describe` (before/after all). */
export function useHostileScenario(
  adapter: AdapterName,
  store: 'memory' | 'redis' = 'memory',
): HostileScenario {
  const scenario = {} as HostileScenario;
  beforeAll(async () => {
    scenario.provider = await HostileProvider.start();
    scenario.app = await startOidcApp({
      adapter,
      port: await freePort(),
      store: store === 'memory' ? { type: 'memory' } : redisStore(),
      provider: {
        issuer: scenario.provider.issuer,
        clientId: HOSTILE_CLIENT_ID,
        algorithms: ['ES256'],
      },
    });
  }, 30_000);
  afterAll(async () => {
    await scenario.app.close();
    await scenario.provider.close();
  });
  return scenario;
}

/** A login started in a fresh browser: its state, nonce and PKCE challenge. */
export interface StartedLogin {
  readonly browser: TestBrowser;
  readonly state: string;
  readonly nonce: string;
  readonly codeChallenge: string;
}

export async function startLogin(scenario: HostileScenario): Promise<StartedLogin> {
  const browser = new TestBrowser();
  const start = await browser.request(`${scenario.app.url}/auth/oidc/login`);
  const params = new URL(start.location ?? '').searchParams;
  return {
    browser,
    state: params.get('state') ?? '',
    nonce: params.get('nonce') ?? '',
    codeChallenge: params.get('code_challenge') ?? '',
  };
}

/** The provider's redirect back to the app's callback, with these query parameters. */
export function callback(
  scenario: HostileScenario,
  browser: TestBrowser,
  query: Record<string, string>,
): Promise<BrowserResponse> {
  const url = new URL(`${scenario.app.url}/auth/oidc/callback`);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  return browser.request(url.href);
}

/** Asserts a refused callback: the status and code, no session cookie set, /me still 401. */
export async function expectRefused(
  scenario: HostileScenario,
  browser: TestBrowser,
  response: BrowserResponse,
  status = 401,
  code = 'SECURITY_OIDC_FAILED',
): Promise<void> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(JSON.parse(response.text)).toMatchObject({ statusCode: status, code });
  expect(response.setCookies.some((line) => line.startsWith('rampart-session='))).toBe(false);
  expect(browser.cookie(scenario.app.url, 'rampart-session')).toBeUndefined();
  expect((await browser.request(`${scenario.app.url}/me`)).status).toBe(401);
}

/** Has the hostile provider answer the next token request with this ID token. */
export function answerWithIdToken(scenario: HostileScenario, idToken: string): void {
  scenario.provider.answer = () => ({
    status: 200,
    body: { access_token: 'hostile-access-token', token_type: 'Bearer', id_token: idToken },
  });
}
