import { es256KeyPair } from '../support/jwt-forge';
import { ADAPTERS } from '../support/apps';
import {
  answerWithIdToken,
  callback,
  expectRefused,
  HOSTILE_CLIENT_ID,
  startLogin,
  useHostileScenario,
} from './hostile-scenario';

/** ID tokens whose signature does not verify against the provider's JWKS. */
describe.each(ADAPTERS)('OIDC ID token with a bad signature (%s)', (adapter) => {
  const scenario = useHostileScenario(adapter);

  it('refuses a token signed by another key under the provider kid', async () => {
    const login = await startLogin(scenario);
    const claims = scenario.provider.idTokenClaims(HOSTILE_CLIENT_ID, login.nonce);
    answerWithIdToken(
      scenario,
      scenario.provider.sign(claims, { signer: { kind: 'es256', key: es256KeyPair().privateKey } }),
    );
    const response = await callback(scenario, login.browser, { code: 'c', state: login.state });
    await expectRefused(scenario, login.browser, response);
  });

  it('refuses a correctly signed token whose payload was changed (sub: admin)', async () => {
    const login = await startLogin(scenario);
    const token = scenario.provider.sign(
      scenario.provider.idTokenClaims(HOSTILE_CLIENT_ID, login.nonce),
    );
    const [header, , signature] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify(
        scenario.provider.idTokenClaims(HOSTILE_CLIENT_ID, login.nonce, { sub: 'admin' }),
      ),
    ).toString('base64url');
    answerWithIdToken(scenario, `${header ?? ''}.${forged}.${signature ?? ''}`);
    const response = await callback(scenario, login.browser, { code: 'c', state: login.state });
    await expectRefused(scenario, login.browser, response);
  });
});
