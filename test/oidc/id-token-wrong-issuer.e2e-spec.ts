import { ADAPTERS } from '../support/apps';
import {
  answerWithIdToken,
  callback,
  expectRefused,
  HOSTILE_CLIENT_ID,
  startLogin,
  useHostileScenario,
} from './hostile-scenario';

/** ID tokens whose `iss` is not exactly the configured issuer. */
describe.each(ADAPTERS)('OIDC ID token with a wrong issuer (%s)', (adapter) => {
  const scenario = useHostileScenario(adapter);

  it.each([
    ['another issuer', () => 'https://evil.example'],
    ['a trailing slash', () => `${scenario.provider.issuer}/`],
    ['no iss', () => undefined],
  ])('refuses %s', async (_name, issuerOf) => {
    const login = await startLogin(scenario);
    answerWithIdToken(
      scenario,
      scenario.provider.sign(
        scenario.provider.idTokenClaims(HOSTILE_CLIENT_ID, login.nonce, { iss: issuerOf() }),
      ),
    );
    const response = await callback(scenario, login.browser, { code: 'c', state: login.state });
    await expectRefused(scenario, login.browser, response);
  });
});
