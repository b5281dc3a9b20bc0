import { randomBytes } from 'node:crypto';
import { ADAPTERS } from '../support/apps';
import { callback, expectRefused, startLogin, useHostileScenario } from './hostile-scenario';

/** A `state` this app never issued (or a malformed one) is refused before the code is redeemed. */
describe.each(ADAPTERS)('OIDC callback with a wrong state (%s)', (adapter) => {
  const scenario = useHostileScenario(adapter);

  it.each([
    ['an unknown well-formed state', randomBytes(32).toString('base64url')],
    ['a malformed state', 'not-a-state'],
    ['a state with one character changed', ''],
  ])('refuses %s (401)', async (_name, given) => {
    const login = await startLogin(scenario);
    const state =
      given === '' ? `${login.state.slice(0, -1)}${login.state.endsWith('A') ? 'B' : 'A'}` : given;
    const before = scenario.provider.tokenRequests.length;
    const response = await callback(scenario, login.browser, { code: 'code-1', state });
    await expectRefused(scenario, login.browser, response);
    expect(scenario.provider.tokenRequests).toHaveLength(before);
  });
});
