import { readFileSync } from 'node:fs';
import { UnavailableUploadScanner, type SecurityModuleOptions } from '@rampart/security';

/** The value of an environment variable, `undefined` when unset or empty. */
function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

/**
 * The `mtls` option from the environment: on when `TLS_CA_FILE` (client certificates on this
 * HTTPS listener) or `MTLS_TRUSTED_PROXIES` (client certificates forwarded by TLS-terminating
 * proxies) is set. `MTLS_TRUSTED_PROXIES` is a comma-separated list of IP addresses or CIDR
 * ranges; `MTLS_CERT_HEADER` names the forwarded-certificate header (default `x-client-cert`).
 */
function mtlsOptionsFromEnv(env: NodeJS.ProcessEnv): SecurityModuleOptions['mtls'] {
  const proxies = envValue(env, 'MTLS_TRUSTED_PROXIES');
  const header = envValue(env, 'MTLS_CERT_HEADER');
  if (envValue(env, 'TLS_CA_FILE') === undefined && proxies === undefined) {
    if (header !== undefined) {
      throw new Error(
        'MTLS_CERT_HEADER is set but mTLS is off. Fix: set MTLS_TRUSTED_PROXIES to the addresses of your proxies, or unset MTLS_CERT_HEADER.',
      );
    }
    return undefined;
  }
  return {
    trustedProxies:
      proxies === undefined
        ? []
        : proxies
            .split(',')
            .map((entry) => entry.trim())
            .filter((entry) => entry !== ''),
    ...(header === undefined ? {} : { forwardedCertificateHeader: header }),
  };
}

/** A comma-separated list from the environment; `undefined` when unset or empty. */
function envList(env: NodeJS.ProcessEnv, name: string): string[] | undefined {
  const value = envValue(env, name);
  return value
    ?.split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

/** A whole number from the environment; `undefined` when unset or empty. */
function envInteger(env: NodeJS.ProcessEnv, name: string, min: number): number | undefined {
  const value = envValue(env, name);
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number) || number < min) {
    throw new Error(
      `${name} must be a whole number of at least ${min}, got "${value}". Fix: correct or unset it.`,
    );
  }
  return number;
}

/**
 * The `throttling` option from the environment: `THROTTLE_TRUSTED_PROXIES` (comma-separated
 * addresses or CIDR ranges of the proxies in front of the app), `THROTTLE_LIMIT` (requests a
 * minute per client and route; default 600) and `THROTTLE_LOGIN_LIMIT` (attempts per account
 * every 15 minutes on login, token and refresh; default 10, and ten times that per client IP).
 */
function throttlingOptionsFromEnv(env: NodeJS.ProcessEnv): SecurityModuleOptions['throttling'] {
  const trustedProxies = envList(env, 'THROTTLE_TRUSTED_PROXIES');
  const limit = envInteger(env, 'THROTTLE_LIMIT', 1);
  const loginLimit = envInteger(env, 'THROTTLE_LOGIN_LIMIT', 1);
  return {
    ...(trustedProxies === undefined ? {} : { trustedProxies }),
    ...(limit === undefined ? {} : { throttlers: [{ name: 'default', limit, windowMs: 60_000 }] }),
    ...(loginLimit === undefined
      ? {}
      : {
          credentials: {
            perAccount: { limit: loginLimit, windowMs: 15 * 60_000 },
            perIp: { limit: loginLimit * 10, windowMs: 15 * 60_000 },
          },
        }),
  };
}

/**
 * The `uploads` option from the environment: clamd on the unix socket `CLAMAV_SOCKET`, or on TCP
 * at `CLAMAV_HOST` (default 127.0.0.1) and `CLAMAV_PORT`. Without either, uploads are refused
 * with 503 SECURITY_SCANNER_UNAVAILABLE (never accepted unscanned); the app still starts.
 */
function uploadsOptionsFromEnv(env: NodeJS.ProcessEnv): SecurityModuleOptions['uploads'] {
  const socketPath = envValue(env, 'CLAMAV_SOCKET');
  const host = envValue(env, 'CLAMAV_HOST');
  const port = envValue(env, 'CLAMAV_PORT');
  if (socketPath !== undefined) {
    if (host !== undefined || port !== undefined) {
      throw new Error(
        'CLAMAV_SOCKET cannot be combined with CLAMAV_HOST or CLAMAV_PORT. Fix: set the unix socket or the TCP address of clamd, not both.',
      );
    }
    return { clamav: { socketPath } };
  }
  if (port === undefined) {
    if (host !== undefined) {
      throw new Error(
        'CLAMAV_HOST is set without CLAMAV_PORT. Fix: set CLAMAV_PORT (usually 3310).',
      );
    }
    return {
      scanner: new UnavailableUploadScanner('CLAMAV_SOCKET or CLAMAV_HOST/CLAMAV_PORT is not set'),
    };
  }
  if (!/^\d{1,5}$/.test(port)) {
    throw new Error(`CLAMAV_PORT must be a port number, got "${port}". Fix: correct or unset it.`);
  }
  return { clamav: { ...(host === undefined ? {} : { host }), port: Number(port) } };
}

/**
 * The `oidc` option from the environment: on when `OIDC_ISSUER` is set, and then
 * `OIDC_CLIENT_ID`, `OIDC_CLIENT_SECRET` and `OIDC_REDIRECT_URI` (the absolute URL of
 * `/auth/oidc/callback` as registered at the provider) are required; `OIDC_POST_LOGOUT_REDIRECT_URI`
 * is optional.
 */
function oidcOptionsFromEnv(env: NodeJS.ProcessEnv): SecurityModuleOptions['oidc'] {
  const issuer = envValue(env, 'OIDC_ISSUER');
  const names = ['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_REDIRECT_URI'] as const;
  if (issuer === undefined) {
    const stray = names.find((name) => envValue(env, name) !== undefined);
    if (stray !== undefined) {
      throw new Error(
        `${stray} is set but OIDC_ISSUER is not. Fix: set OIDC_ISSUER to the provider's issuer URL, or unset ${stray}.`,
      );
    }
    return undefined;
  }
  const [clientId, clientSecret, redirectUri] = names.map((name) => {
    const value = envValue(env, name);
    if (value === undefined) {
      throw new Error(`OIDC_ISSUER is set without ${name}. Fix: set ${name} too.`);
    }
    return value;
  });
  const postLogoutRedirectUri = envValue(env, 'OIDC_POST_LOGOUT_REDIRECT_URI');
  return {
    providers: [
      {
        issuer,
        clientId: clientId ?? '',
        clientSecret: clientSecret ?? '',
        redirectUri: redirectUri ?? '',
        ...(postLogoutRedirectUri === undefined ? {} : { postLogoutRedirectUri }),
      },
    ],
  };
}

/** Whether the environment switches OpenID Connect login on (`OIDC_ISSUER` set). */
export function oidcEnabled(env: NodeJS.ProcessEnv): boolean {
  return envValue(env, 'OIDC_ISSUER') !== undefined;
}

/** What the reference app passes to the HTTPS server (Express `httpsOptions`, Fastify `https`). */
export interface ReferenceTlsOptions {
  readonly cert: Buffer;
  readonly key: Buffer;
  /** CAs of client certificates; when set, each connection is asked for one. */
  readonly ca?: Buffer;
  readonly requestCert?: boolean;
  readonly rejectUnauthorized?: boolean;
}

/**
 * HTTPS server options from the environment, or `undefined` for plain HTTP: `TLS_CERT_FILE` and
 * `TLS_KEY_FILE` (PEM paths, both or neither) switch HTTPS on; `TLS_CA_FILE` (PEM path of the CAs
 * that issue client certificates) also requests a client certificate on every connection. A
 * missing or untrusted certificate does not fail the handshake (`rejectUnauthorized: false`): the
 * request reaches the app, which answers 401 on protected routes.
 *
 * @example
 * const httpsOptions = httpsOptionsFromEnv(process.env);
 * const app = await NestFactory.create(AppModule, httpsOptions === undefined ? {} : { httpsOptions });
 */
export function httpsOptionsFromEnv(env: NodeJS.ProcessEnv): ReferenceTlsOptions | undefined {
  const certFile = envValue(env, 'TLS_CERT_FILE');
  const keyFile = envValue(env, 'TLS_KEY_FILE');
  const caFile = envValue(env, 'TLS_CA_FILE');
  if (certFile === undefined && keyFile === undefined) {
    if (caFile !== undefined) {
      throw new Error(
        'TLS_CA_FILE needs HTTPS. Fix: set TLS_CERT_FILE and TLS_KEY_FILE to the server certificate and key, or unset TLS_CA_FILE.',
      );
    }
    return undefined;
  }
  if (certFile === undefined || keyFile === undefined) {
    throw new Error(
      `${certFile === undefined ? 'TLS_KEY_FILE' : 'TLS_CERT_FILE'} is set without ${certFile === undefined ? 'TLS_CERT_FILE' : 'TLS_KEY_FILE'}. Fix: set both (PEM files of the server certificate and its private key), or neither.`,
    );
  }
  const read = (name: string, path: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      throw new Error(
        `${name} cannot be read (${code}). Fix: point ${name} at a readable PEM file.`,
        { cause: error },
      );
    }
  };
  return {
    cert: read('TLS_CERT_FILE', certFile),
    key: read('TLS_KEY_FILE', keyFile),
    ...(caFile === undefined
      ? {}
      : { ca: read('TLS_CA_FILE', caFile), requestCert: true, rejectUnauthorized: false }),
  };
}

/**
 * The reference app's SecurityModule options, read from the environment (see README):
 * SECURITY_STORE=memory|redis, REDIS_URL, REDIS_KEY_PREFIX, NODE_ENV, JWT_ISSUER, JWT_AUDIENCE, and for production
 * JWT_PRIVATE_KEY (PEM, PKCS#8, P-256) with JWT_KID; mTLS with TLS_CA_FILE, MTLS_TRUSTED_PROXIES
 * and MTLS_CERT_HEADER; throttling with THROTTLE_TRUSTED_PROXIES, THROTTLE_LIMIT and
 * THROTTLE_LOGIN_LIMIT; upload scanning with CLAMAV_SOCKET, or CLAMAV_HOST and CLAMAV_PORT;
 * SESSION_ALLOW_INSECURE_HTTP=true (development only) sends the session
 * cookie without Secure over plain HTTP; OpenID Connect login with OIDC_ISSUER, OIDC_CLIENT_ID,
 * OIDC_CLIENT_SECRET, OIDC_REDIRECT_URI and OIDC_POST_LOGOUT_REDIRECT_URI.
 */
export function securityOptionsFromEnv(env: NodeJS.ProcessEnv): SecurityModuleOptions {
  const store = env.SECURITY_STORE ?? 'memory';
  if (store !== 'memory' && store !== 'redis') {
    throw new Error(
      `SECURITY_STORE must be "memory" or "redis", got "${store}". Fix: unset it or set it to one of those.`,
    );
  }
  if (store === 'redis' && (env.REDIS_URL === undefined || env.REDIS_URL === '')) {
    throw new Error('SECURITY_STORE=redis needs REDIS_URL. Fix: set REDIS_URL=redis://host:port.');
  }
  const privateKey = env.JWT_PRIVATE_KEY;
  const mtls = mtlsOptionsFromEnv(env);
  const oidc = oidcOptionsFromEnv(env);
  return {
    jwt: {
      issuer: env.JWT_ISSUER ?? 'http://localhost:3000',
      audience: env.JWT_AUDIENCE ?? 'rampart-reference',
      ...(privateKey === undefined || privateKey === ''
        ? {}
        : { keys: [{ kid: env.JWT_KID ?? 'main', algorithm: 'ES256' as const, privateKey }] }),
    },
    ...(mtls === undefined ? {} : { mtls }),
    ...(oidc === undefined ? {} : { oidc }),
    session: {
      ...(env.SESSION_ALLOW_INSECURE_HTTP === 'true' ? { dangerouslyAllowInsecureHttp: true } : {}),
    },
    roles: { hierarchy: { admin: ['user'], user: [] } },
    throttling: throttlingOptionsFromEnv(env),
    uploads: uploadsOptionsFromEnv(env),
    store:
      store === 'redis'
        ? {
            type: 'redis',
            url: env.REDIS_URL ?? '',
            ...(env.REDIS_KEY_PREFIX === undefined || env.REDIS_KEY_PREFIX === ''
              ? {}
              : { keyPrefix: env.REDIS_KEY_PREFIX }),
          }
        : { type: 'memory' },
  };
}
