import { TrustedProxies } from '../authn/mtls/resolve-mtls-options';
import { assertKnownKeys, describe, readNumber, readObject } from '../core/option-readers';
import type { SecurityRequest } from '../core/security-request.interface';
import { SecurityConfigurationError } from '../errors/security-configuration.error';
import { normalizedIpThrottleKey, normalizeIpAddress } from './ip-address';

/** Options of {@link ClientIpResolver}. */
export interface ClientIpResolverOptions {
  /**
   * The reverse proxies and load balancers in front of the app, as IP addresses and CIDR ranges
   * (IPv4 and IPv6: `'10.0.0.7'`, `'10.0.0.0/8'`, `'fd00::/8'`). `X-Forwarded-For` is read only
   * when the TCP peer is one of them, and only the hops they appended are believed. An empty
   * list makes the TCP peer the client and ignores `X-Forwarded-For` entirely. A range that
   * covers every address (`/0`) is refused.
   * @default []
   */
  readonly trustedProxies?: readonly string[];
  /**
   * How many leading bits of an IPv6 address identify one client in a throttle key, from 1 to
   * 128. Providers give a subscriber a whole /64 (or /56, /48), so keying on the full address
   * would let one client rotate through 2^64 keys.
   * @default 64
   */
  readonly ipv6PrefixLength?: number;
}

const OPTION_KEYS = ['trustedProxies', 'ipv6PrefixLength'] as const;
const OPTION_PATH = 'throttling';
const FORWARDED_FOR = 'x-forwarded-for';

/**
 * Finds the address of the client behind a request, and the key it is throttled by, without
 * believing what the client itself wrote:
 *
 * 1. the TCP peer (`socket.remoteAddress`: `request.socket` on Express, `request.raw.socket` on
 *    Fastify; never `request.ip`, which depends on the adapter's own proxy settings) is the
 *    client, unless it is one of `trustedProxies`;
 * 2. when it is, `X-Forwarded-For` (every occurrence of the header, in order) is walked from the
 *    right, skipping the addresses of trusted proxies: the first untrusted hop is the client. A
 *    client can prepend anything to the header, but it cannot change what the trusted proxies
 *    appended after it;
 * 3. when every hop is trusted, the leftmost one is the client; when the header is absent or
 *    empty, the trusted peer itself is (a health check from the load balancer);
 * 4. a malformed hop (not an IP address, or an empty entry) stops the walk, and its right
 *    neighbour, the last address a trusted proxy vouched for, is the client. A trusted proxy
 *    never writes garbage, so such a hop was forged or the chain is misconfigured; throttling the
 *    request under the proxy's address is the conservative answer: a client can never pick its own
 *    key by sending garbage, at worst it shares the proxy's (stricter) counter.
 *
 * Addresses are normalised: IPv4-mapped IPv6 becomes IPv4, IPv6 is lower-cased and compressed,
 * zone ids, brackets and ports are dropped. The resolver parses its options once; a request does
 * no more than split one header.
 *
 * @example
 * const resolver = new ClientIpResolver({ trustedProxies: ['10.0.0.0/8'], ipv6PrefixLength: 64 });
 * resolver.clientIp(request); // '203.0.113.9'
 * resolver.throttleKey(request); // '203.0.113.9', or '2001:db8:1:2::/64' for an IPv6 client
 */
export class ClientIpResolver {
  /** The trusted proxies, parsed into a `node:net` BlockList. */
  readonly trustedProxies: TrustedProxies;
  /** Bits of an IPv6 address that make up its throttle key. */
  readonly ipv6PrefixLength: number;

  /**
   * @throws SecurityConfigurationError naming `throttling.trustedProxies` or
   *   `throttling.ipv6PrefixLength` when an option is malformed.
   * @example
   * new ClientIpResolver(); // no proxy: the TCP peer is the client
   * new ClientIpResolver({ trustedProxies: ['10.0.0.0/8', 'fd00::/8'] });
   */
  constructor(options: ClientIpResolverOptions = {}) {
    const raw = readObject(options, OPTION_PATH);
    assertKnownKeys(raw, OPTION_KEYS, OPTION_PATH);
    this.trustedProxies = readTrustedProxies(raw.trustedProxies);
    this.ipv6PrefixLength =
      raw.ipv6PrefixLength === undefined
        ? 64
        : readNumber(raw.ipv6PrefixLength, `${OPTION_PATH}.ipv6PrefixLength`, {
            integer: true,
            min: 1,
            max: 128,
            unit: 'bits',
          });
  }

  /**
   * The client's normalised IP address; `undefined` when the request has no TCP peer address (a
   * socket already closed). Callers must not let such a request through unthrottled.
   *
   * @example
   * const ip = resolver.clientIp(request) ?? 'unknown';
   */
  clientIp(request: SecurityRequest): string | undefined {
    return this.resolve(peerAddressOf(request), request.headers[FORWARDED_FOR]);
  }

  /**
   * The throttle key of the client: its IPv4 address, or the /`ipv6PrefixLength` network of its
   * IPv6 address (`2001:db8:1:2::/64`); `undefined` when {@link clientIp} is.
   *
   * @example
   * const key = resolver.throttleKey(request);
   */
  throttleKey(request: SecurityRequest): string | undefined {
    const ip = this.clientIp(request);
    return ip === undefined ? undefined : normalizedIpThrottleKey(ip, this.ipv6PrefixLength);
  }

  /**
   * The client address given the TCP peer and the `X-Forwarded-For` value(s); what
   * {@link clientIp} does once it has read the request. Several values are joined as the lines of
   * one header are.
   *
   * @example
   * resolver.resolve('10.0.0.7', '203.0.113.9, 10.0.0.8'); // '203.0.113.9'
   * resolver.resolve('198.51.100.4', '203.0.113.9'); // '198.51.100.4': untrusted peer
   */
  resolve(
    peerAddress: string | undefined,
    forwardedFor: string | readonly string[] | undefined,
  ): string | undefined {
    const peer = peerAddress === undefined ? undefined : normalizeIpAddress(peerAddress);
    if (peer === undefined || !this.trustedProxies.includes(peer)) return peer;
    if (forwardedFor === undefined) return peer;
    const header = typeof forwardedFor === 'string' ? forwardedFor : forwardedFor.join(',');
    if (header.trim() === '') return peer;
    const hops = header.split(',');
    let client = peer;
    for (let index = hops.length - 1; index >= 0; index--) {
      const hop = normalizeIpAddress((hops[index] ?? '').trim());
      if (hop === undefined) return client; // the right neighbour of a malformed hop
      client = hop;
      if (!this.trustedProxies.includes(hop)) return hop;
    }
    return client; // every hop is trusted: the leftmost
  }
}

/** The TCP peer address: `request.raw.socket` on Fastify, `request.socket` on Express. */
function peerAddressOf(request: SecurityRequest): string | undefined {
  const { raw } = request as { readonly raw?: unknown };
  const holder: object = typeof raw === 'object' && raw !== null ? raw : request;
  const { socket } = holder as { readonly socket?: unknown };
  if (typeof socket !== 'object' || socket === null) return undefined;
  const { remoteAddress } = socket as { readonly remoteAddress?: unknown };
  return typeof remoteAddress === 'string' ? remoteAddress : undefined;
}

function readTrustedProxies(value: unknown): TrustedProxies {
  const path = `${OPTION_PATH}.trustedProxies`;
  if (value === undefined) return new TrustedProxies([], path);
  if (!Array.isArray(value)) {
    throw new SecurityConfigurationError(
      path,
      `must be an array, got ${describe(value)}`,
      "pass a list of IP addresses or CIDR ranges, e.g. ['10.0.0.7'], or [] to trust no proxy",
    );
  }
  value.forEach((entry: unknown, index) => {
    // TrustedProxies refuses these too, but its message speaks of client certificates.
    if (typeof entry === 'string' && /\/0+$/.test(entry)) {
      throw new SecurityConfigurationError(
        `${path}[${index}]`,
        `trusts every address ('${entry}'), so any client could choose its own throttle key`,
        'list the addresses or ranges of your proxies only',
      );
    }
  });
  return new TrustedProxies(value as string[], path);
}
