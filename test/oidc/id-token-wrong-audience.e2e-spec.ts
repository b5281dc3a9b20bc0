import { ADAPTERS } from '../support/apps';
import {
  answerWithIdToken,
  callback,
  expectRefused,
  HOSTILE_CLIENT_ID,
  startLogin,
  useHostileScenario,
} from './hostile-scenario';

/** ID tokens issued to another client (aud, azp). */
describe.each(ADAPTERS)('OIDC ID token with a wrong audience (%s)', (adapter) => {
  const scenario = useHostileScenario(adapter);

  it.each([
    ['aud of another client', { aud: 'other-client' }],
    ['several audiences and no azp', { aud: [HOSTILE_CLIENT_ID, 'other-client'] }],
    ['azp of another client', { aud: [HOSTILE_CLIENT_ID, 'other-client'], azp: 'other-client' }],
    ['no aud', { aud: undefined }],
  ])('refuses %s', async (_name, overrides) => {
    const login = await startLogin(scenario);
    answerWithIdToken(
      scenario,
      scenario.provider.sign(
        scenario.provider.idTokenClaims(HOSTILE_CLIENT_ID, login.nonce, overrides),
      ),
    );
    const response = await callback(scenario, login.browser, { code: 'c', state: login.state });
    await expectRefused(scenario, login.browser, response);
  });
});
