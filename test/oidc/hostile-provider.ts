import { createHash, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { es256KeyPair, forgeJwt, type Signer } from '../support/jwt-forge';

/** What the hostile token endpoint answers for one code: status and JSON body. */
export interface TokenAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** What the token endpoint received. */
export interface TokenRequest {
  readonly authorization: string | undefined;
  readonly form: URLSearchParams;
}

/**
 * A small OpenID provider written for the negative tests: discovery, a JWKS with one ES256 key,
 * a token endpoint whose answer each test crafts (`answer`), and a UserInfo endpoint. It never
 * shows a login page: tests take `state` and `nonce` from the app's redirect and call the
 * callback themselves, as a provider would redirect the browser.
 */
export class HostileProvider {
  readonly key: KeyObject;
  readonly kid = 'hostile-1';
  /** The answer of the next token request; a valid ID token for `alice` unless a test sets one. */
  answer: (request: TokenRequest) => TokenAnswer = () => ({ status: 500, body: {} });
  /** The UserInfo `sub`; `undefined` answers with the ID token's subject 'alice'. */
  userInfoSub: string | undefined;
  /** Token requests seen, oldest first. */
  readonly tokenRequests: TokenRequest[] = [];
  private server: Server | undefined;
  private port = 0;

  private constructor() {
    this.key = es256KeyPair().privateKey;
  }

  static async start(): Promise<HostileProvider> {
    const provider = new HostileProvider();
    await provider.listen(0);
    return provider;
  }

  get issuer(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Signs `payload` with the provider's key (ES256, its `kid`) unless another signer is given. */
  sign(
    payload: Record<string, unknown>,
    options: { signer?: Signer; header?: Record<string, unknown> } = {},
  ): string {
    return forgeJwt(
      options.header ?? { alg: 'ES256', kid: this.kid, typ: 'JWT' },
      payload,
      options.signer ?? { kind: 'es256', key: this.key },
    );
  }

  /** Claims of a valid ID token for `clientId` and `nonce`, with `overrides`. */
  idTokenClaims(
    clientId: string,
    nonce: string,
    overrides: Record<string, unknown> = {},
  ): Record<string, unknown> {
    const now = Math.floor(Date.now() / 1000);
    return {
      iss: this.issuer,
      aud: clientId,
      sub: 'alice',
      iat: now,
      exp: now + 300,
      nonce,
      sid: 'hostile-sid',
      ...overrides,
    };
  }

  /** Stops answering (connections refused), keeping the port for {@link resume}. */
  async pause(): Promise<void> {
    await this.close();
  }

  async resume(): Promise<void> {
    await this.listen(this.port);
  }

  close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return Promise.resolve();
    return new Promise((resolve) => {
      server.close(() => {
        resolve();
      });
      server.closeAllConnections();
    });
  }

  private async listen(port: number): Promise<void> {
    const server = createServer((request, response) => {
      void this.handle(request, response);
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.issuer);
    const json = (status: number, body: unknown): void => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (url.pathname === '/.well-known/openid-configuration') {
      json(200, {
        issuer: this.issuer,
        authorization_endpoint: `${this.issuer}/authorize`,
        token_endpoint: `${this.issuer}/token`,
        jwks_uri: `${this.issuer}/jwks`,
        userinfo_endpoint: `${this.issuer}/userinfo`,
        end_session_endpoint: `${this.issuer}/logout`,
        response_types_supported: ['code'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_basic'],
        id_token_signing_alg_values_supported: ['ES256'],
      });
      return;
    }
    if (url.pathname === '/jwks') {
      const jwk = createPublicJwk(this.key);
      json(200, { keys: [{ ...jwk, kid: this.kid, alg: 'ES256', use: 'sig' }] });
      return;
    }
    if (url.pathname === '/token' && request.method === 'POST') {
      let body = '';
      for await (const chunk of request) body += (chunk as Buffer).toString();
      const tokenRequest = {
        authorization: request.headers.authorization,
        form: new URLSearchParams(body),
      };
      this.tokenRequests.push(tokenRequest);
      const answer = this.answer(tokenRequest);
      json(answer.status, answer.body);
      return;
    }
    if (url.pathname === '/userinfo') {
      json(200, { sub: this.userInfoSub ?? 'alice', email: 'alice@example.com' });
      return;
    }
    json(404, { error: 'not_found' });
  }
}

function createPublicJwk(privateKey: KeyObject): Record<string, unknown> {
  const { d: _d, ...publicJwk } = privateKey.export({ format: 'jwk' });
  return publicJwk;
}

/** The PKCE challenge of a verifier (RFC 7636 S256). */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}
