import { ADAPTERS } from '../support/apps';
import {
  answerWithIdToken,
  callback,
  expectRefused,
  HOSTILE_CLIENT_ID,
  startLogin,
  useHostileScenario,
} from './hostile-scenario';

/** Time claims: expired beyond the 30 s skew, issued too long ago, issued in the future. */
describe.each(ADAPTERS)('OIDC ID token out of its time (%s)', (adapter) => {
  const scenario = useHostileScenario(adapter);
  const now = (): number => Math.floor(Date.now() / 1000);

  it.each([
    ['expired 2 minutes ago', () => ({ iat: now() - 300, exp: now() - 120 })],
    ['without exp', () => ({ exp: undefined })],
    ['issued 20 minutes ago (max age 10 minutes)', () => ({ iat: now() - 1200, exp: now() + 60 })],
    ['issued 5 minutes in the future', () => ({ iat: now() + 300, exp: now() + 600 })],
    ['not valid before 5 minutes from now', () => ({ nbf: now() + 300 })],
  ])('refuses a token %s', async (_name, times) => {
    const login = await startLogin(scenario);
    answerWithIdToken(
      scenario,
      scenario.provider.sign(
        scenario.provider.idTokenClaims(HOSTILE_CLIENT_ID, login.nonce, times()),
      ),
    );
    const response = await callback(scenario, login.browser, { code: 'c', state: login.state });
    await expectRefused(scenario, login.browser, response);
  });
});
