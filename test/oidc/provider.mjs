// A real OpenID provider for the e2e suite: oidc-provider (ESM only, hence a child process that
// Jest's CommonJS transform never touches). Configuration comes from OIDC_TEST_CONFIG (JSON:
// { clients: [...] }); it listens on 127.0.0.1 on a free port and prints `PORT=<n>` once ready.
// Its development login and consent forms (devInteractions) are driven over HTTP by the tests:
// any login name is accepted and becomes the account id (`sub`).
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const config = JSON.parse(process.env.OIDC_TEST_CONFIG ?? '{"clients":[]}');

const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address();
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: config.clients,
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: true },
    backchannelLogout: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  scopes: ['openid', 'email', 'profile', 'offline_access'],
  cookies: { keys: ['rampart-oidc-e2e-cookie-key-not-secret'] },
  // The provider refuses outgoing requests to special-use addresses (SSRF protection); the test
  // apps' back-channel logout endpoints are on 127.0.0.1, so drop that dispatcher here only.
  fetch(url, options) {
    const { dispatcher: _dispatcher, ...rest } = options;
    return fetch(url, rest);
  },
  async findAccount(_ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: `${id}@example.com`, email_verified: true, name: id };
      },
    };
  },
});
provider.on('backchannel.error', (_ctx, error, client) => {
  process.stderr.write(
    `backchannel.error ${client.clientId}: ${error.message} ${error.cause?.message ?? ''} ${error.cause?.code ?? ''}\n`,
  );
});
provider.on('server_error', (_ctx, error) => {
  process.stderr.write(`server_error: ${error.stack}\n`);
});
server.on('request', provider.callback());
process.stdout.write(`PORT=${port}\n`);
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
