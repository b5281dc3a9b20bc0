import { BlockList, isIP } from 'node:net';
import { assertKnownKeys, describe, readObject, readString } from '../../core/option-readers';
import { SecurityConfigurationError } from '../../errors/security-configuration.error';

const MTLS_KEYS = ['trustedProxies', 'forwardedCertificateHeader'] as const;
const DEFAULT_FORWARDED_CERTIFICATE_HEADER = 'x-client-cert';
/** An HTTP field name (RFC 9110 `token`). */
const FIELD_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const PREFIX = /^(?:0|[1-9][0-9]{0,2})$/;

/** One parsed `trustedProxies` entry. */
interface ProxyEntry {
  readonly address: string;
  readonly family: 'ipv4' | 'ipv6';
  /** CIDR prefix length; `undefined` for a single address. */
  readonly prefix: number | undefined;
}

/**
 * The trusted-proxy list of `mtls.trustedProxies`, parsed once into a `node:net` BlockList. Its
 * `entries` are the configured strings; membership is tested with {@link TrustedProxies.includes}.
 *
 * @example
 * const proxies = new TrustedProxies(['10.0.0.0/8', '::1']);
 * proxies.includes('::ffff:10.1.2.3'); // true (IPv4-mapped IPv6)
 * proxies.includes('192.0.2.1'); // false
 */
export class TrustedProxies {
  /** The configured addresses and CIDR ranges, as given. */
  readonly entries: readonly string[];
  readonly #list = new BlockList();

  /** @throws SecurityConfigurationError when an entry is not an IP address or CIDR range. */
  constructor(entries: readonly string[], path = 'mtls.trustedProxies') {
    this.entries = Object.freeze([...entries]);
    entries.forEach((entry, index) => {
      const { address, family, prefix } = parseProxyEntry(entry, `${path}[${index}]`);
      if (prefix === undefined) this.#list.addAddress(address, family);
      else this.#list.addSubnet(address, prefix, family);
    });
    Object.freeze(this);
  }

  /** Whether `address` (a socket's `remoteAddress`) is one of the trusted proxies. */
  includes(address: string | undefined): boolean {
    if (address === undefined || this.entries.length === 0) return false;
    const family = isIP(address);
    if (family === 0) return false;
    return this.#list.check(address, family === 4 ? 'ipv4' : 'ipv6');
  }
}

function parseProxyEntry(entry: unknown, path: string): ProxyEntry {
  const invalid = (problem: string, fix: string): SecurityConfigurationError =>
    new SecurityConfigurationError(path, problem, fix);
  const example = "an IP address or CIDR range such as '10.0.0.7', '10.0.0.0/8' or 'fd00::/8'";
  if (typeof entry !== 'string') {
    throw invalid(`must be a string, got ${describe(entry)}`, `use ${example}`);
  }
  const [address = '', prefixText, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || address.includes('%') || rest.length > 0) {
    throw invalid(`is not an IP address or CIDR range, got '${entry}'`, `use ${example}`);
  }
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const bits = version === 4 ? 32 : 128;
  if (address === '0.0.0.0' || address.replace(/^[:0]+$/, '') === '') {
    if (prefixText === undefined) {
      throw invalid(
        `is the unspecified address '${entry}', which is never the peer of a connection`,
        'list the addresses of your proxies',
      );
    }
  }
  if (prefixText === undefined) return { address, family, prefix: undefined };
  const prefix = PREFIX.test(prefixText) ? Number(prefixText) : Number.NaN;
  if (!(prefix >= 0 && prefix <= bits)) {
    throw invalid(
      `has an invalid prefix length in '${entry}'`,
      `use a whole number from 1 to ${bits} after the '/'`,
    );
  }
  if (prefix === 0) {
    throw invalid(
      `trusts every address ('${entry}'), so any client could forge a client certificate`,
      'list the addresses or ranges of your proxies only',
    );
  }
  return { address, family, prefix };
}

/**
 * `mtls` after validation: frozen, defaults filled in, the proxy list parsed. Read it from
 * `RESOLVED_SECURITY_OPTIONS`.
 *
 * @example
 * constructor(@Inject(RESOLVED_SECURITY_OPTIONS) options: ResolvedSecurityOptions) {
 *   this.mtls = options.mtls; // undefined when mTLS is off
 * }
 */
export interface ResolvedMtlsOptions {
  /** Peers whose forwarded-certificate header is honoured; empty: none. */
  readonly trustedProxies: TrustedProxies;
  /** The forwarded-certificate header name, lower case. */
  readonly forwardedCertificateHeader: string;
}

/**
 * Validates the `mtls` option: unknown keys (with a "did you mean"), proxy entries that are not
 * IP addresses or CIDR ranges, a range that trusts everyone (`/0`), and header names that are not
 * HTTP field names stop start-up with a {@link SecurityConfigurationError}.
 *
 * @returns frozen resolved options, or `undefined` when `raw` is `undefined` (mTLS off).
 * @example
 * resolveMtlsOptions({ trustedProxies: ['10.0.0.0/8'] });
 * // { trustedProxies: TrustedProxies { entries: ['10.0.0.0/8'] }, forwardedCertificateHeader: 'x-client-cert' }
 */
export function resolveMtlsOptions(raw: unknown): ResolvedMtlsOptions | undefined {
  if (raw === undefined) return undefined;
  const options = readObject(raw, 'mtls');
  assertKnownKeys(options, MTLS_KEYS, 'mtls');
  const proxies = options.trustedProxies === undefined ? [] : options.trustedProxies;
  if (!Array.isArray(proxies)) {
    throw new SecurityConfigurationError(
      'mtls.trustedProxies',
      `must be an array, got ${describe(proxies)}`,
      "pass a list of IP addresses or CIDR ranges, e.g. ['10.0.0.7'], or [] to trust no proxy",
    );
  }
  const header =
    options.forwardedCertificateHeader === undefined
      ? DEFAULT_FORWARDED_CERTIFICATE_HEADER
      : readString(options.forwardedCertificateHeader, 'mtls.forwardedCertificateHeader');
  if (!FIELD_NAME.test(header)) {
    throw new SecurityConfigurationError(
      'mtls.forwardedCertificateHeader',
      `is not an HTTP header name, got '${header}'`,
      "use letters, digits and '-', e.g. 'x-client-cert'",
    );
  }
  return Object.freeze({
    trustedProxies: new TrustedProxies(proxies as unknown[] as string[]),
    forwardedCertificateHeader: header.toLowerCase(),
  });
}
