import { MATRIX } from '../support/apps';
import {
  answerWithIdToken,
  callback,
  HOSTILE_CLIENT_ID,
  startLogin,
  useHostileScenario,
} from './hostile-scenario';

/** A state is good for one callback only, even when two arrive at once. */
describe.each(MATRIX)('OIDC callback with a replayed state (%s, %s store)', (adapter, store) => {
  const scenario = useHostileScenario(adapter, store);

  it('refuses the second use of a state that already logged the browser in', async () => {
    const login = await startLogin(scenario);
    answerWithIdToken(
      scenario,
      scenario.provider.sign(scenario.provider.idTokenClaims(HOSTILE_CLIENT_ID, login.nonce)),
    );
    const first = await callback(scenario, login.browser, { code: 'c', state: login.state });
    expect(first.status).toBe(303);
    const replay = await callback(scenario, login.browser, { code: 'c', state: login.state });
    expect(replay.status).toBe(401);
    expect(JSON.parse(replay.text)).toMatchObject({ code: 'SECURITY_OIDC_FAILED' });
    expect(replay.setCookies.some((line) => line.startsWith('rampart-session='))).toBe(false);
  });

  it('lets exactly one of two simultaneous callbacks with the same state through', async () => {
    const login = await startLogin(scenario);
    answerWithIdToken(
      scenario,
      scenario.provider.sign(scenario.provider.idTokenClaims(HOSTILE_CLIENT_ID, login.nonce)),
    );
    const results = await Promise.all([
      callback(scenario, login.browser, { code: 'c', state: login.state }),
      callback(scenario, login.browser, { code: 'c', state: login.state }),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual([303, 401]);
  });
});
