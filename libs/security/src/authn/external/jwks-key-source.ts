import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { JwtKeySource } from '../jwt/jwt-verifier-config.interface';

/** What a {@link JwksKeySource} needs to know of its issuer. */
export interface JwksKeySourceOptions {
  /** The issuer whose keys these are (named in log messages). */
  readonly issuer: string;
  /** `https:` URL of the JSON Web Key Set. */
  readonly jwksUri: string;
  /** How long fetched keys are used, in seconds. */
  readonly cacheSeconds: number;
  /** Least time between two fetches, in seconds. */
  readonly minRefetchIntervalSeconds: number;
  /** Time limit of one fetch (connection, headers and body), in milliseconds. */
  readonly timeoutMs: number;
}

/** Replaceable collaborators, for tests. */
export interface JwksKeySourceDependencies {
  /**
   * Wall-clock time in milliseconds since the epoch; SecurityModule passes its `SecurityClock`,
   * so tests that override that provider move the JWKS cache in time too.
   * @default () => Date.now()
   */
  readonly now?: () => number;
  /** @default new Logger('SecurityModule') */
  readonly logger?: Pick<Logger, 'warn'>;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

/** One usable key of the set. */
interface CachedKey {
  /** The JWK's `alg`, when it names one: the key then serves that algorithm only. */
  readonly alg: string | undefined;
  readonly key: KeyObject;
}

/** Largest JWKS document read, in bytes (real ones are a few kilobytes). */
export const JWKS_MAX_BYTES = 512 * 1024;

const EC_CURVES: Readonly<Record<string, string>> = {
  ES256: 'prime256v1',
  ES384: 'secp384r1',
  ES512: 'secp521r1',
};
/** Members of a private or symmetric JWK (RFC 7518 §6.2.2, §6.3.2, §6.4). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;
const MIN_RSA_BITS = 2048;

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether `key` has the type, curve and size that `alg` needs. */
function fitsAlgorithm(key: KeyObject, alg: string): boolean {
  const details = key.asymmetricKeyDetails;
  if (alg.startsWith('ES')) {
    return key.asymmetricKeyType === 'ec' && details?.namedCurve === EC_CURVES[alg];
  }
  if (alg.startsWith('RS') || alg.startsWith('PS')) {
    return key.asymmetricKeyType === 'rsa' && (details?.modulusLength ?? 0) >= MIN_RSA_BITS;
  }
  return false;
}

/** The public members only, so nothing private can reach the verifier. */
function publicMembers(jwk: Readonly<Record<string, unknown>>): JsonWebKey | undefined {
  if (jwk.kty === 'RSA' && typeof jwk.n === 'string' && typeof jwk.e === 'string') {
    return { kty: 'RSA', n: jwk.n, e: jwk.e };
  }
  if (
    jwk.kty === 'EC' &&
    typeof jwk.crv === 'string' &&
    typeof jwk.x === 'string' &&
    typeof jwk.y === 'string'
  ) {
    return { kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y };
  }
  return undefined;
}

/** Why a fetch gave no key set; never contains the response body. */
class JwksFetchError extends Error {}

/**
 * The keys of an external identity provider, fetched from its JWKS URL and cached by `kid`: the
 * key source of a resource-server verifier.
 *
 * - Only signature keys are used: `kty: 'RSA'` or `'EC'`, `use` absent or `'sig'`, `key_ops`
 *   absent or including `'verify'`. Symmetric (`oct`) keys, encryption keys and key types the
 *   verifier does not support are skipped. A key that publishes private members (`d`, ...) is
 *   skipped entirely, with a warning: anyone could sign with it.
 * - A key serves a token only when its `alg` (if any) equals the token's, and its type fits
 *   that algorithm (the right EC curve; RSA of at least 2048 bits).
 * - Keys are used for `cacheSeconds` after their fetch. A `kid` that is not in the cache causes a
 *   re-fetch, at most once per `minRefetchIntervalSeconds` (measured from the previous fetch
 *   attempt), and concurrent misses share one request: a flood of random `kid`s costs at most
 *   one fetch per interval.
 * - A failed fetch (network, timeout, HTTP status, not JSON, not a key set, over
 *   {@link JWKS_MAX_BYTES}) logs a warning (never the response body) and leaves the cache as it
 *   was: fresh keys keep serving. A well-formed key set replaces the cache, so keys the provider
 *   removed stop working.
 * - No timer runs between requests; there is nothing to close.
 *
 * @example
 * const keys = new JwksKeySource({
 *   issuer: 'https://sso.example.com/realms/acme',
 *   jwksUri: 'https://sso.example.com/realms/acme/protocol/openid-connect/certs',
 *   cacheSeconds: 600,
 *   minRefetchIntervalSeconds: 30,
 *   timeoutMs: 3000,
 * });
 * const key = await keys.verificationKey('2026-01', 'RS256'); // KeyObject | undefined
 */
export class JwksKeySource implements JwtKeySource {
  private readonly now: () => number;
  private readonly logger: Pick<Logger, 'warn'>;
  private readonly fetchImpl: typeof fetch;
  private keys: ReadonlyMap<string, readonly CachedKey[]> = new Map();
  /** Start of the fetch that produced `keys`; `undefined`: none yet. */
  private fetchedAt: number | undefined;
  /** Start of the last fetch attempt, successful or not. */
  private attemptedAt: number | undefined;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly options: JwksKeySourceOptions,
    dependencies: JwksKeySourceDependencies = {},
  ) {
    this.now = dependencies.now ?? (() => Date.now());
    this.logger = dependencies.logger ?? new Logger('SecurityModule');
    this.fetchImpl = dependencies.fetch ?? ((input, init) => fetch(input, init));
  }

  /**
   * The key for `kid` and `alg`, fetching the key set when it is missing, stale, or lacks `kid`
   * (within the re-fetch bound). Never rejects: `undefined` when no usable key is known.
   */
  async verificationKey(kid: string, alg: string): Promise<KeyObject | undefined> {
    if (this.isFresh()) {
      const known = this.keys.get(kid);
      if (known !== undefined) return this.pick(known, alg);
    }
    await this.refresh();
    if (!this.isFresh()) return undefined;
    const entries = this.keys.get(kid);
    return entries === undefined ? undefined : this.pick(entries, alg);
  }

  private pick(entries: readonly CachedKey[], alg: string): KeyObject | undefined {
    return entries.find(
      (entry) => (entry.alg === undefined || entry.alg === alg) && fitsAlgorithm(entry.key, alg),
    )?.key;
  }

  private isFresh(): boolean {
    if (this.fetchedAt === undefined) return false;
    const age = this.now() - this.fetchedAt;
    return age >= 0 && age < this.options.cacheSeconds * 1000;
  }

  /** Starts a fetch unless one is under way (then joins it) or the last began too recently. */
  private refresh(): Promise<void> {
    if (this.inFlight !== undefined) return this.inFlight;
    const now = this.now();
    if (this.attemptedAt !== undefined) {
      const elapsed = now - this.attemptedAt;
      if (elapsed >= 0 && elapsed < this.options.minRefetchIntervalSeconds * 1000) {
        return Promise.resolve();
      }
    }
    this.attemptedAt = now;
    this.inFlight = this.load(now).finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async load(startedAt: number): Promise<void> {
    try {
      const document = await this.download();
      this.keys = this.parse(document);
      this.fetchedAt = startedAt;
    } catch (error: unknown) {
      const reason = error instanceof JwksFetchError ? error.message : describeNetworkError(error);
      const cached = this.isFresh()
        ? `keeping ${this.keys.size} cached key id(s) while they are fresh`
        : 'no fresh keys: its tokens are refused until a fetch succeeds';
      this.logger.warn(
        `JWKS of external issuer "${this.options.issuer}" could not be fetched from ${safeUrl(this.options.jwksUri)}: ${reason}; ${cached}`,
      );
    }
  }

  private async download(): Promise<unknown> {
    const response = await this.fetchImpl(this.options.jwksUri, {
      signal: AbortSignal.timeout(this.options.timeoutMs),
      redirect: 'error',
      headers: { accept: 'application/jwk-set+json, application/json' },
    });
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new JwksFetchError(`HTTP ${response.status}`);
    }
    const declared = Number(response.headers.get('content-length') ?? '0');
    if (declared > JWKS_MAX_BYTES) {
      await response.body?.cancel().catch(() => undefined);
      throw new JwksFetchError(`the response exceeds ${JWKS_MAX_BYTES} bytes`);
    }
    const text = await readCapped(response);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new JwksFetchError('the response is not JSON');
    }
  }

  private parse(document: unknown): ReadonlyMap<string, readonly CachedKey[]> {
    if (!isRecord(document) || !Array.isArray(document.keys)) {
      throw new JwksFetchError('the response is not a JWK Set (no "keys" array)');
    }
    const byKid = new Map<string, CachedKey[]>();
    const leaked: string[] = [];
    for (const jwk of document.keys as unknown[]) {
      if (!isRecord(jwk) || typeof jwk.kid !== 'string' || jwk.kid === '') continue;
      if (PRIVATE_MEMBERS.some((member) => member in jwk)) {
        leaked.push(jwk.kid);
        continue;
      }
      if (jwk.use !== undefined && jwk.use !== 'sig') continue;
      if (
        jwk.key_ops !== undefined &&
        !(Array.isArray(jwk.key_ops) && (jwk.key_ops as unknown[]).includes('verify'))
      ) {
        continue;
      }
      if (jwk.alg !== undefined && typeof jwk.alg !== 'string') continue;
      const members = publicMembers(jwk);
      if (members === undefined) continue;
      let key: KeyObject;
      try {
        key = createPublicKey({ key: members, format: 'jwk' });
      } catch {
        continue;
      }
      const entries = byKid.get(jwk.kid) ?? [];
      entries.push({ alg: jwk.alg, key });
      byKid.set(jwk.kid, entries);
    }
    if (leaked.length > 0) {
      this.logger.warn(
        `JWKS of external issuer "${this.options.issuer}" publishes private key material (kid ${leaked.map((kid) => `"${kid}"`).join(', ')}); those keys are ignored. Tell the provider: anyone who read them can sign tokens.`,
      );
    }
    return byKid;
  }
}

/** The body as text, refusing more than {@link JWKS_MAX_BYTES}. */
async function readCapped(response: Response): Promise<string> {
  if (response.body === null) return '';
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > JWKS_MAX_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw new JwksFetchError(`the response exceeds ${JWKS_MAX_BYTES} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A network failure in a few words (`timed out`, `fetch failed (ECONNREFUSED)`...). Duck-typed:
 * fetch's errors may come from another realm, where `instanceof Error` fails.
 */
function describeNetworkError(error: unknown): string {
  if (!isRecord(error) || typeof error.name !== 'string') return 'the request failed';
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'timed out';
  const message = typeof error.message === 'string' ? error.message : error.name;
  const cause = error.cause;
  const code = isRecord(cause) && typeof cause.code === 'string' ? cause.code : undefined;
  const detail =
    code ?? (isRecord(cause) && typeof cause.message === 'string' ? cause.message : undefined);
  return detail === undefined ? message : `${message} (${detail})`;
}

/** The URL without its query string (which could carry an API key). */
function safeUrl(href: string): string {
  const url = new URL(href);
  return `${url.origin}${url.pathname}`;
}
