import { ADAPTERS } from '../support/apps';
import {
  answerWithIdToken,
  callback,
  expectRefused,
  HOSTILE_CLIENT_ID,
  startLogin,
  useHostileScenario,
} from './hostile-scenario';

/** An ID token whose nonce is not the one sent with this login (an injected or replayed token). */
describe.each(ADAPTERS)('OIDC ID token nonce mismatch (%s)', (adapter) => {
  const scenario = useHostileScenario(adapter);

  it.each([
    ['the nonce of another login', async () => (await startLogin(scenario)).nonce],
    ['no nonce at all', () => Promise.resolve(undefined)],
  ])('refuses an ID token with %s', async (_name, nonceOf) => {
    const login = await startLogin(scenario);
    const nonce = await nonceOf();
    const claims = scenario.provider.idTokenClaims(HOSTILE_CLIENT_ID, nonce ?? '');
    if (nonce === undefined) delete claims.nonce;
    answerWithIdToken(scenario, scenario.provider.sign(claims));
    const response = await callback(scenario, login.browser, { code: 'c', state: login.state });
    await expectRefused(scenario, login.browser, response);
  });
});
