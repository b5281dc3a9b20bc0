import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SecurityConfigurationError } from '@rampart/security';
import { ADAPTERS } from '../support/apps';
import { freePort, startOidcApp } from './oidc-harness';

/** Start-up stops with a message naming the issuer and the fix when discovery fails. */
describe.each(ADAPTERS)('OIDC discovery at start-up (%s)', (adapter) => {
  it('refuses to start when the issuer cannot be reached', async () => {
    const issuer = `http://127.0.0.1:${await freePort()}`;
    const started = startOidcApp({
      adapter,
      port: await freePort(),
      store: { type: 'memory' },
      provider: { issuer, clientId: 'rampart-web', httpTimeoutMs: 1000 },
    });
    await expect(started).rejects.toThrow(SecurityConfigurationError);
    await expect(started).rejects.toThrow(
      new RegExp(
        `"oidc\\.providers\\[0\\]\\.issuer" \\("${issuer.replace(/\./g, '\\.')}"\\) could not be reached for discovery at ${issuer.replace(/\./g, '\\.')}/\\.well-known/openid-configuration.*Fix: check the issuer URL`,
      ),
    );
  });

  it('refuses to start when the discovery document names another issuer', async () => {
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          issuer: 'https://evil.example',
          authorization_endpoint: 'https://evil.example/auth',
          token_endpoint: 'https://evil.example/token',
          jwks_uri: 'https://evil.example/jwks',
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await expect(
        startOidcApp({
          adapter,
          port: await freePort(),
          store: { type: 'memory' },
          provider: { issuer, clientId: 'rampart-web' },
        }),
      ).rejects.toThrow(/names the issuer "https:\/\/evil\.example".*Fix: set the issuer exactly/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
