import { ADAPTERS } from '../support/apps';
import { CLIENT_SECRET } from './oidc-harness';
import {
  answerWithIdToken,
  callback,
  expectRefused,
  HOSTILE_CLIENT_ID,
  startLogin,
  useHostileScenario,
} from './hostile-scenario';

/** Unsigned and HMAC ID tokens never verify (alg allow-list: ES256 here). */
describe.each(ADAPTERS)('OIDC ID token with alg none or HMAC (%s)', (adapter) => {
  const scenario = useHostileScenario(adapter);

  it.each(['none', 'None', 'NONE'])('refuses alg %s with an empty signature', async (alg) => {
    const login = await startLogin(scenario);
    answerWithIdToken(
      scenario,
      scenario.provider.sign(scenario.provider.idTokenClaims(HOSTILE_CLIENT_ID, login.nonce), {
        header: { alg, typ: 'JWT' },
        signer: { kind: 'none' },
      }),
    );
    const response = await callback(scenario, login.browser, { code: 'c', state: login.state });
    await expectRefused(scenario, login.browser, response);
  });

  it('refuses HS256 signed with the client secret (key confusion)', async () => {
    const login = await startLogin(scenario);
    answerWithIdToken(
      scenario,
      scenario.provider.sign(scenario.provider.idTokenClaims(HOSTILE_CLIENT_ID, login.nonce), {
        header: { alg: 'HS256', kid: scenario.provider.kid, typ: 'JWT' },
        signer: { kind: 'hmac', secret: CLIENT_SECRET },
      }),
    );
    const response = await callback(scenario, login.browser, { code: 'c', state: login.state });
    await expectRefused(scenario, login.browser, response);
  });
});
