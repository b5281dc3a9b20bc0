import {
  assertKnownKeys,
  describe,
  readArray,
  readChoice,
  readNumber,
  readObject,
  readString,
} from '../../core/option-readers';
import { readHttpUrl } from '../../core/read-http-url';
import type { SecurityEnvironment } from '../../core/security-module-options.interface';
import { SecurityConfigurationError } from '../../errors/security-configuration.error';
import type { ExternalIssuerAlgorithm } from './external-issuer-options.interface';

/** An external issuer after validation: every default filled in, lists normalised, frozen. */
export interface ResolvedExternalIssuer {
  /** Exact `iss`. */
  readonly issuer: string;
  /** The JWKS URL, normalised (`URL.href`). */
  readonly jwksUri: string;
  readonly audience: readonly string[];
  readonly clientIds: readonly string[];
  readonly algorithms: readonly ExternalIssuerAlgorithm[];
  /** Lower case. */
  readonly acceptedTypes: readonly string[];
  readonly clockSkewSeconds: number;
  readonly usernameClaim: string;
  readonly rolesClaim: string;
  readonly jwksCacheSeconds: number;
  readonly jwksMinRefetchIntervalSeconds: number;
  readonly jwksTimeoutMs: number;
}

const ISSUER_KEYS = [
  'issuer',
  'jwksUri',
  'audience',
  'algorithms',
  'acceptedTypes',
  'clientIds',
  'clockSkewSeconds',
  'usernameClaim',
  'rolesClaim',
  'jwksCacheSeconds',
  'jwksMinRefetchIntervalSeconds',
  'jwksTimeoutMs',
] as const;

const ALGORITHMS: readonly ExternalIssuerAlgorithm[] = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
];
const DEFAULT_ALGORITHMS: readonly ExternalIssuerAlgorithm[] = ['RS256', 'ES256'];
const DEFAULT_ACCEPTED_TYPES: readonly string[] = ['at+jwt', 'application/at+jwt', 'jwt'];
/** A media type or its short form, as `typ` carries it (RFC 7515 §4.1.9). */
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*(?:\/[a-z0-9][a-z0-9!#$&^_.+-]*)?$/;

function required(path: string, fix: string): SecurityConfigurationError {
  return new SecurityConfigurationError(path, 'is required', fix);
}

function readJwksUri(value: unknown, path: string, environment: SecurityEnvironment): string {
  return readHttpUrl(value, path, environment, {
    example: 'https://sso.example.com/realms/acme/protocol/openid-connect/certs',
    httpRisk: 'anyone on the network path could substitute the keys',
  }).href;
}

function readAlgorithm(value: unknown, path: string): ExternalIssuerAlgorithm {
  if (typeof value === 'string' && /^HS(?:256|384|512)$/i.test(value)) {
    throw new SecurityConfigurationError(
      path,
      `is the symmetric algorithm ${value}, which an external issuer cannot use: its keys are public, and HMAC with a public key lets anyone sign`,
      `use the provider's asymmetric algorithm, e.g. 'RS256' or 'ES256'`,
    );
  }
  if (value === 'EdDSA') {
    throw new SecurityConfigurationError(
      path,
      'is EdDSA, which the verifier (jsonwebtoken 9) does not implement',
      `configure the provider to sign with one of ${ALGORITHMS.join(', ')}`,
    );
  }
  return readChoice(value, path, ALGORITHMS);
}

function readAcceptedType(value: unknown, path: string): string {
  const type = readString(value, path).toLowerCase();
  if (!MEDIA_TYPE.test(type)) {
    throw new SecurityConfigurationError(
      path,
      `is not a media type, got '${type}'`,
      "use values such as 'at+jwt', 'application/at+jwt' or 'jwt'",
    );
  }
  return type;
}

function readClaimName(value: unknown, path: string): string {
  const name = readString(value, path);
  if (name.split('.').some((segment) => segment === '')) {
    throw new SecurityConfigurationError(
      path,
      `has an empty segment in the claim path '${name}'`,
      "name a claim ('roles') or a dotted path without empty parts ('realm_access.roles')",
    );
  }
  return name;
}

/** A string or a non-empty array of strings, as a list without repeats. */
function readStringList(value: unknown, path: string): string[] {
  const list =
    typeof value === 'string' ? [readString(value, path)] : readArray(value, path, readString);
  return [...new Set(list)];
}

function readIssuer(
  raw: unknown,
  path: string,
  environment: SecurityEnvironment,
): ResolvedExternalIssuer {
  const options = readObject(raw, path);
  assertKnownKeys(options, ISSUER_KEYS, path);
  if (options.issuer === undefined) {
    throw required(
      `${path}.issuer`,
      'set it to the `issuer` of the provider\'s discovery document, e.g. "https://sso.example.com/realms/acme"',
    );
  }
  const issuer = readString(options.issuer, `${path}.issuer`);
  if (options.jwksUri === undefined) {
    throw required(
      `${path}.jwksUri`,
      "set it to the `jwks_uri` of the provider's discovery document",
    );
  }
  const jwksUri = readJwksUri(options.jwksUri, `${path}.jwksUri`, environment);
  if (options.audience === undefined) {
    throw required(
      `${path}.audience`,
      'set it to the identifier of this API that the provider puts in `aud`, e.g. "orders-api"',
    );
  }
  const audience = readStringList(options.audience, `${path}.audience`);

  let clientIds: string[] = [];
  if (options.clientIds !== undefined) {
    if (!Array.isArray(options.clientIds)) {
      throw new SecurityConfigurationError(
        `${path}.clientIds`,
        `must be an array of strings, got ${describe(options.clientIds)}`,
        "list the provider's client ids, e.g. ['acme-web'], or [] for none",
      );
    }
    clientIds = [
      ...new Set(
        options.clientIds.map((id: unknown, index) =>
          readString(id, `${path}.clientIds[${index}]`),
        ),
      ),
    ];
    const overlap = audience.find((value) => clientIds.includes(value));
    if (overlap !== undefined) {
      throw new SecurityConfigurationError(
        `${path}.audience`,
        `contains the client id '${overlap}', so the ID tokens issued to that client would pass for access tokens`,
        "set the audience to this API's own identifier (configure an audience mapper at the provider)",
      );
    }
  }

  const algorithms =
    options.algorithms === undefined
      ? [...DEFAULT_ALGORITHMS]
      : [...new Set(readArray(options.algorithms, `${path}.algorithms`, readAlgorithm))];
  const acceptedTypes =
    options.acceptedTypes === undefined
      ? [...DEFAULT_ACCEPTED_TYPES]
      : [...new Set(readArray(options.acceptedTypes, `${path}.acceptedTypes`, readAcceptedType))];

  const jwksMinRefetchIntervalSeconds =
    options.jwksMinRefetchIntervalSeconds === undefined
      ? 30
      : readNumber(options.jwksMinRefetchIntervalSeconds, `${path}.jwksMinRefetchIntervalSeconds`, {
          min: 1,
          max: 3600,
          integer: true,
          unit: 'seconds',
        });
  const jwksCacheSeconds =
    options.jwksCacheSeconds === undefined
      ? Math.max(600, jwksMinRefetchIntervalSeconds)
      : readNumber(options.jwksCacheSeconds, `${path}.jwksCacheSeconds`, {
          min: 1,
          max: 86_400,
          integer: true,
          unit: 'seconds',
        });
  if (jwksCacheSeconds < jwksMinRefetchIntervalSeconds) {
    throw new SecurityConfigurationError(
      `${path}.jwksCacheSeconds`,
      `(${jwksCacheSeconds} seconds) is shorter than jwksMinRefetchIntervalSeconds (${jwksMinRefetchIntervalSeconds} seconds), so keys could expire with no re-fetch allowed`,
      `raise it to ${jwksMinRefetchIntervalSeconds} seconds or more, or lower jwksMinRefetchIntervalSeconds`,
    );
  }

  return Object.freeze({
    issuer,
    jwksUri,
    audience: Object.freeze(audience),
    clientIds: Object.freeze(clientIds),
    algorithms: Object.freeze(algorithms),
    acceptedTypes: Object.freeze(acceptedTypes),
    clockSkewSeconds:
      options.clockSkewSeconds === undefined
        ? 30
        : readNumber(options.clockSkewSeconds, `${path}.clockSkewSeconds`, {
            min: 0,
            max: 300,
            integer: true,
            unit: 'seconds',
          }),
    usernameClaim:
      options.usernameClaim === undefined
        ? 'preferred_username'
        : readClaimName(options.usernameClaim, `${path}.usernameClaim`),
    rolesClaim:
      options.rolesClaim === undefined
        ? 'roles'
        : readClaimName(options.rolesClaim, `${path}.rolesClaim`),
    jwksCacheSeconds,
    jwksMinRefetchIntervalSeconds,
    jwksTimeoutMs:
      options.jwksTimeoutMs === undefined
        ? 3000
        : readNumber(options.jwksTimeoutMs, `${path}.jwksTimeoutMs`, {
            min: 100,
            max: 60_000,
            integer: true,
            unit: 'milliseconds',
          }),
  });
}

/**
 * Validates the `externalIssuers` option (resource-server mode). Unknown keys (with a "did you
 * mean"), missing or malformed fields, symmetric or unknown algorithms, an `http:` JWKS URL in
 * production (other than loopback), an audience that is a client id and a repeated issuer stop
 * start-up with a {@link SecurityConfigurationError} naming the option, e.g.
 * `externalIssuers[0].jwksUri`.
 *
 * @param environment decides whether an `http:` JWKS URL is acceptable.
 * @returns the issuers, frozen and fully defaulted; `[]` when `raw` is `undefined`.
 * @example
 * resolveExternalIssuersOptions(
 *   [{ issuer: 'https://sso.example.com/realms/acme', jwksUri: 'https://sso.example.com/realms/acme/protocol/openid-connect/certs', audience: 'orders-api' }],
 *   'production',
 * );
 * // [{ issuer: ..., algorithms: ['RS256', 'ES256'], acceptedTypes: ['at+jwt', 'application/at+jwt', 'jwt'], jwksCacheSeconds: 600, ... }]
 */
export function resolveExternalIssuersOptions(
  raw: unknown,
  environment: SecurityEnvironment = 'production',
): readonly ResolvedExternalIssuer[] {
  if (raw === undefined) return Object.freeze([]);
  if (!Array.isArray(raw)) {
    throw new SecurityConfigurationError(
      'externalIssuers',
      `must be an array, got ${describe(raw)}`,
      'pass a list of issuers, e.g. [{ issuer, jwksUri, audience }], or omit it',
    );
  }
  const issuers = raw.map((item: unknown, index) =>
    readIssuer(item, `externalIssuers[${index}]`, environment),
  );
  const seen = new Set<string>();
  issuers.forEach(({ issuer }, index) => {
    if (seen.has(issuer)) {
      throw new SecurityConfigurationError(
        `externalIssuers[${index}].issuer`,
        `repeats the issuer "${issuer}"`,
        'configure each issuer once (list several audiences in one entry if needed)',
      );
    }
    seen.add(issuer);
  });
  return Object.freeze(issuers);
}
