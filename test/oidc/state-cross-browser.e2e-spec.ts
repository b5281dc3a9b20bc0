import { ADAPTERS } from '../support/apps';
import {
  answerWithIdToken,
  callback,
  expectRefused,
  HOSTILE_CLIENT_ID,
  startLogin,
  useHostileScenario,
} from './hostile-scenario';

/**
 * Login CSRF: a state started in browser A (say, the attacker's) and delivered to browser B (the
 * victim, who holds a binding cookie of its own) is refused; A's login is not burnt by it.
 */
describe.each(ADAPTERS)('OIDC callback with another browser state (%s)', (adapter) => {
  const scenario = useHostileScenario(adapter);

  it("refuses browser A's state in browser B, and A can still finish", async () => {
    const a = await startLogin(scenario);
    const b = await startLogin(scenario);
    expect(b.browser.cookie(scenario.app.url, 'rampart-oidc')).not.toBe(
      a.browser.cookie(scenario.app.url, 'rampart-oidc'),
    );
    answerWithIdToken(
      scenario,
      scenario.provider.sign(scenario.provider.idTokenClaims(HOSTILE_CLIENT_ID, a.nonce)),
    );
    const before = scenario.provider.tokenRequests.length;
    const crossed = await callback(scenario, b.browser, { code: 'c', state: a.state });
    await expectRefused(scenario, b.browser, crossed);
    expect(scenario.provider.tokenRequests).toHaveLength(before);

    const own = await callback(scenario, a.browser, { code: 'c', state: a.state });
    expect(own.status).toBe(303);
  });
});
