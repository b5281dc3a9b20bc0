import { isIP } from 'node:net';

/**
 * Parsing and normalisation of the IP addresses that throttling keys on: a socket's
 * `remoteAddress` and the entries of `X-Forwarded-For`. Everything here is pure and allocation
 * light, because it runs on every request.
 */

/** Longest text considered: `[` IPv6 with an IPv4 tail (45) `%` zone (up to 40) `]:65535`. */
const MAX_LENGTH = 100;
/** A zone id (`%eth0`, `%25`): interface names and numbers, nothing that needs escaping. */
const ZONE_ID = /^[0-9A-Za-z_.~-]+$/;
/** `[IPv6]` or `[IPv6]:port`, as some proxies (and RFC 7239) write an IPv6 address. */
const BRACKETED = /^\[([^\]]+)\](?::([0-9]{1,5}))?$/;
/** `IPv4:port`, as Azure Application Gateway and IIS ARR write `X-Forwarded-For`. */
const IPV4_WITH_PORT = /^([0-9.]+):([0-9]{1,5})$/;

/**
 * The canonical text of an IP address, or `undefined` when `text` is not one:
 *
 * - IPv4 is kept as is (Node's `isIP` already refuses leading zeros, octal and hex forms);
 * - IPv6 becomes its RFC 5952 form (lower case, longest run of zero groups compressed), without
 *   its zone id (`fe80::1%eth0` is `fe80::1`);
 * - an IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, `::ffff:c000:201`) becomes the IPv4 address,
 *   so a dual-stack socket and an IPv4 one give the same answer;
 * - `[IPv6]`, `[IPv6]:port` and `IPv4:port` lose the brackets and the port.
 *
 * Anything else, including surrounding whitespace, an empty string, `unknown`, a host name, or an
 * RFC 7239 obfuscated identifier, is refused.
 *
 * @example
 * normalizeIpAddress('::ffff:192.0.2.1'); // '192.0.2.1'
 * normalizeIpAddress('2001:DB8:0:0::1'); // '2001:db8::1'
 * normalizeIpAddress('[2001:db8::1]:443'); // '2001:db8::1'
 * normalizeIpAddress('unknown'); // undefined
 */
export function normalizeIpAddress(text: string): string | undefined {
  if (text.length === 0 || text.length > MAX_LENGTH) return undefined;
  if (isIP(text) === 4) return text;
  const bracketed = BRACKETED.exec(text);
  if (bracketed !== null) {
    const [, inner = '', port] = bracketed;
    if (port !== undefined && !isPort(port)) return undefined;
    return normalizeIpv6(inner);
  }
  const withPort = IPV4_WITH_PORT.exec(text);
  if (withPort !== null) {
    const [, address = '', port = ''] = withPort;
    return isIP(address) === 4 && isPort(port) ? address : undefined;
  }
  return normalizeIpv6(text);
}

/**
 * The throttle key of an IP address (normalised first, see {@link normalizeIpAddress}): an IPv4
 * address as is, an IPv6 address as the network of its first `ipv6PrefixLength` bits, in RFC 5952
 * form with the prefix length, so that every address a subscriber is given (usually a /64) shares
 * one counter.
 *
 * @param ipv6PrefixLength bits of an IPv6 address that identify a client, 1 to 128.
 * @throws TypeError when `address` is not an IP address.
 * @example
 * ipThrottleKey('192.0.2.1', 64); // '192.0.2.1'
 * ipThrottleKey('::ffff:192.0.2.1', 64); // '192.0.2.1'
 * ipThrottleKey('2001:db8:1:2:3:4:5:6', 64); // '2001:db8:1:2::/64'
 * ipThrottleKey('2001:db8:1:2:3:4:5:6', 48); // '2001:db8:1::/48'
 */
export function ipThrottleKey(address: string, ipv6PrefixLength: number): string {
  const normalized = normalizeIpAddress(address);
  if (normalized === undefined) throw new TypeError('address must be an IP address');
  return normalizedIpThrottleKey(normalized, ipv6PrefixLength);
}

/**
 * {@link ipThrottleKey} of an address that {@link normalizeIpAddress} gave: not parsed or checked
 * again (the client IP resolver keys every anonymous request, and has just normalised its
 * address). Such an address is IPv4 exactly when it has no `:`.
 *
 * @example
 * normalizedIpThrottleKey(normalizeIpAddress('2001:db8:1:2::1') ?? '', 64); // '2001:db8:1:2::/64'
 */
export function normalizedIpThrottleKey(normalized: string, ipv6PrefixLength: number): string {
  if (!normalized.includes(':')) return normalized;
  const groups = ipv6Groups(normalized) ?? [];
  const masked = groups.map((group, index) => {
    const kept = ipv6PrefixLength - index * 16;
    if (kept >= 16) return group;
    if (kept <= 0) return 0;
    return group & ((0xffff << (16 - kept)) & 0xffff);
  });
  return `${formatIpv6(masked)}/${ipv6PrefixLength}`;
}

function isPort(text: string): boolean {
  return Number(text) <= 65_535;
}

/** The RFC 5952 text (or the IPv4 address it maps) of an IPv6 address with an optional zone id. */
function normalizeIpv6(text: string): string | undefined {
  const zoneAt = text.indexOf('%');
  const address = zoneAt === -1 ? text : text.slice(0, zoneAt);
  if (zoneAt !== -1 && !ZONE_ID.test(text.slice(zoneAt + 1))) return undefined;
  if (isIP(address) !== 6) return undefined;
  const groups = ipv6Groups(address);
  if (groups === undefined) return undefined;
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, g = 0, h = 0] = groups;
  if (a === 0 && b === 0 && c === 0 && d === 0 && e === 0 && f === 0xffff) {
    return `${g >> 8}.${g & 0xff}.${h >> 8}.${h & 0xff}`;
  }
  return formatIpv6(groups);
}

/** The eight 16-bit groups of an IPv6 address that `isIP` accepted (without zone id). */
function ipv6Groups(address: string): number[] | undefined {
  let text = address;
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    // An embedded IPv4 address fills the last two groups.
    const octets = tail.split('.').map(Number);
    const [o1 = 0, o2 = 0, o3 = 0, o4 = 0] = octets;
    text = `${text.slice(0, lastColon + 1)}${((o1 << 8) | o2).toString(16)}:${((o3 << 8) | o4).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const [head = '', rest] = halves;
  const left = head === '' ? [] : head.split(':');
  const right = rest === undefined || rest === '' ? [] : rest.split(':');
  const missing = 8 - left.length - right.length;
  if (rest === undefined ? missing !== 0 : missing < 1) return undefined;
  const groups = [...left, ...Array<string>(rest === undefined ? 0 : missing).fill('0'), ...right];
  const numbers = groups.map((group) => Number.parseInt(group, 16));
  return numbers.every((group) => group >= 0 && group <= 0xffff) ? numbers : undefined;
}

/** RFC 5952 section 4: lower case, no leading zeros, the longest run (2+) of zero groups as `::`. */
function formatIpv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  let runStart = -1;
  groups.forEach((group, index) => {
    if (group !== 0) {
      runStart = -1;
      return;
    }
    if (runStart === -1) runStart = index;
    const length = index - runStart + 1;
    if (length > bestLength) {
      bestStart = runStart;
      bestLength = length;
    }
  });
  const hex = groups.map((group) => group.toString(16));
  if (bestStart === -1) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
