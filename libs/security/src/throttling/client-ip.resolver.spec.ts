import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SecurityRequest } from '../core/security-request.interface';
import { SecurityConfigurationError } from '../errors/security-configuration.error';
import { ClientIpResolver, type ClientIpResolverOptions } from './client-ip.resolver';

const TRUSTED = ['10.0.0.0/8', '192.0.2.10', 'fd00::/8', '2001:db8:ffff::1'];
const CLIENT = '203.0.113.9';
const SPOOF = '198.51.100.7';

describe('ClientIpResolver', () => {
  const resolver = new ClientIpResolver({ trustedProxies: TRUSTED });

  describe('an untrusted TCP peer is the client; X-Forwarded-For is ignored', () => {
    it.each<[string, string, string | undefined]>([
      ['no header', CLIENT, undefined],
      ['a spoofed header', CLIENT, SPOOF],
      ['a header naming a trusted proxy', CLIENT, '10.0.0.1'],
      ['a chain of spoofed hops', CLIENT, `${SPOOF}, 10.0.0.2, 10.0.0.3`],
      ['garbage', CLIENT, 'garbage'],
      ['an empty header', CLIENT, ''],
      ['an IPv4-mapped peer', `::ffff:${CLIENT}`, SPOOF],
      ['an IPv6 peer', '2001:db8::5', SPOOF],
      ['a trusted-looking IPv6 address outside the range', 'fe00::1', SPOOF],
      ['an address next to a trusted single address', '192.0.2.11', SPOOF],
    ])('%s', (_case, peer, header) => {
      const expected = peer.startsWith('::ffff:') ? CLIENT : peer;
      expect(resolver.resolve(peer, header)).toBe(expected);
    });

    it('ignores X-Forwarded-For entirely when no proxy is trusted (the default)', () => {
      expect(new ClientIpResolver().resolve('10.0.0.1', CLIENT)).toBe('10.0.0.1');
      expect(new ClientIpResolver({ trustedProxies: [] }).resolve('10.0.0.1', CLIENT)).toBe(
        '10.0.0.1',
      );
    });
  });

  describe('behind trusted proxies, the first untrusted hop from the right is the client', () => {
    it.each<[string, string, string | readonly string[] | undefined, string]>([
      ['one proxy', '10.0.0.1', CLIENT, CLIENT],
      ['spaces around the entry', '10.0.0.1', `  ${CLIENT}\t`, CLIENT],
      ['a spoofed hop the client prepended', '10.0.0.1', `${SPOOF}, ${CLIENT}`, CLIENT],
      ['two spoofed hops', '10.0.0.1', `1.1.1.1, ${SPOOF}, ${CLIENT}`, CLIENT],
      ['a chain of trusted proxies', '10.0.0.1', `${CLIENT}, 10.0.0.3, 10.0.0.2`, CLIENT],
      ['a chain through a trusted single address', '10.0.0.1', `${CLIENT}, 192.0.2.10`, CLIENT],
      ['a peer trusted by a single address', '192.0.2.10', `${CLIENT}, 10.1.1.1`, CLIENT],
      ['an untrusted hop in the middle', '10.0.0.1', `${CLIENT}, ${SPOOF}, 10.0.0.2`, SPOOF],
      ['a /8 boundary', '10.255.255.255', `${CLIENT}, 11.0.0.1`, '11.0.0.1'],
      ['every hop trusted: the leftmost', '10.0.0.1', '10.0.0.3, 10.0.0.2', '10.0.0.3'],
      ['one trusted hop only', '10.0.0.1', '10.0.0.3', '10.0.0.3'],
      ['no header: the proxy itself', '10.0.0.1', undefined, '10.0.0.1'],
      ['an empty header', '10.0.0.1', '', '10.0.0.1'],
      ['a blank header', '10.0.0.1', ' \t ', '10.0.0.1'],
      ['an IPv4-mapped peer', '::ffff:10.0.0.1', CLIENT, CLIENT],
      ['an IPv4-mapped peer in hex', '::ffff:a00:1', CLIENT, CLIENT],
      ['an IPv4-mapped client', '10.0.0.1', `::ffff:${CLIENT}`, CLIENT],
      ['an IPv4-mapped trusted hop', '10.0.0.1', `${CLIENT}, ::ffff:10.0.0.2`, CLIENT],
      ['an IPv6 peer trusted by CIDR', 'fd00::1', CLIENT, CLIENT],
      ['an IPv6 client, normalised', 'fd00::1', '2001:DB8:0:0::7', '2001:db8::7'],
      ['an IPv6 chain', 'fd12:3456::1', `2001:db8::7, fdff::2, 2001:db8:ffff::1`, '2001:db8::7'],
      ['an IPv6 trusted single address, uncompressed', '2001:db8:ffff:0:0:0:0:1', CLIENT, CLIENT],
      ['a peer with a zone id', 'fd00::1%eth0', CLIENT, CLIENT],
      ['a client with a zone id', '10.0.0.1', 'fe80::1%eth0', 'fe80::1'],
      ['a bracketed IPv6 client with a port', '10.0.0.1', '[2001:db8::7]:1234', '2001:db8::7'],
      ['an IPv4 client with a port', '10.0.0.1', `${CLIENT}:5555`, CLIENT],
      ['a trusted hop with a port', '10.0.0.1', `${CLIENT}, 10.0.0.2:80`, CLIENT],
      ['several header lines', '10.0.0.1', [SPOOF, `${CLIENT}, 10.0.0.2`], CLIENT],
      ['one hop per header line', '10.0.0.1', [CLIENT, '10.0.0.2'], CLIENT],
      ['one header line in an array', '10.0.0.1', [CLIENT], CLIENT],
      ['an empty array', '10.0.0.1', [], '10.0.0.1'],
      ['a very long spoofed prefix', '10.0.0.1', `${'1.1.1.1, '.repeat(500)}${CLIENT}`, CLIENT],
    ])('%s', (_case, peer, header, expected) => {
      expect(resolver.resolve(peer, header)).toBe(expected);
    });
  });

  describe('a malformed hop stops the walk; its right neighbour is the client', () => {
    it.each<[string, string | readonly string[], string]>([
      ['garbage as the only hop: the peer', 'garbage', '10.0.0.1'],
      ['garbage as the rightmost hop: the peer', `${CLIENT}, garbage`, '10.0.0.1'],
      ['"unknown" (nginx without an address)', `${CLIENT}, unknown`, '10.0.0.1'],
      ['an obfuscated identifier (RFC 7239)', `${CLIENT}, _gazonk`, '10.0.0.1'],
      ['a host name', `${CLIENT}, proxy.internal`, '10.0.0.1'],
      ['garbage behind a trusted hop', `${CLIENT}, unknown, 10.0.0.2`, '10.0.0.2'],
      ['garbage behind two trusted hops', `${CLIENT}, x, 10.0.0.3, 10.0.0.2`, '10.0.0.3'],
      ['garbage left of an untrusted hop never matters', `garbage, ${CLIENT}`, CLIENT],
      ['garbage left of the client never matters', `x, ${CLIENT}, 10.0.0.2`, CLIENT],
      ['an empty entry', `${CLIENT},,10.0.0.2`, '10.0.0.2'],
      ['an entry of spaces', `${CLIENT}, , 10.0.0.2`, '10.0.0.2'],
      ['a trailing comma: the peer', `${CLIENT},`, '10.0.0.1'],
      ['a leading comma never matters', `,${CLIENT}`, CLIENT],
      ['an out-of-range octet', `${CLIENT}, 10.0.0.256`, '10.0.0.1'],
      ['a CIDR instead of an address', `${CLIENT}, 10.0.0.0/8`, '10.0.0.1'],
      [
        'an IPv6 address with a port but no brackets',
        `${CLIENT}, 2001:db8::7:443:1:2:3:4`,
        '10.0.0.1',
      ],
      ['a port out of range', `${CLIENT}, 10.0.0.2:70000`, '10.0.0.1'],
      ['a quoted address (Forwarded syntax)', `${CLIENT}, "10.0.0.2"`, '10.0.0.1'],
      ['Forwarded syntax', 'for=203.0.113.9', '10.0.0.1'],
      ['an empty header line among several', [CLIENT, ''], '10.0.0.1'],
      ['a NUL byte', `${CLIENT}, 10.0.0.2\u0000`, '10.0.0.1'],
    ])('%s', (_case, header, expected) => {
      expect(resolver.resolve('10.0.0.1', header)).toBe(expected);
    });
  });

  it.each([[undefined], ['not an address'], ['']])(
    'answers undefined for a peer address of %p',
    (peer) => {
      expect(resolver.resolve(peer, CLIENT)).toBeUndefined();
    },
  );

  describe('reading the request', () => {
    const expressLike = (remoteAddress: unknown, headers: SecurityRequest['headers'] = {}) =>
      ({ headers, socket: { remoteAddress } }) as unknown as SecurityRequest;
    const fastifyLike = (remoteAddress: unknown, headers: SecurityRequest['headers'] = {}) =>
      ({
        headers,
        ip: '1.1.1.1', // Fastify's own answer is never used
        socket: { remoteAddress: '1.1.1.1' },
        raw: { headers, socket: { remoteAddress } },
      }) as unknown as SecurityRequest;

    it.each([
      ['Express', expressLike],
      ['Fastify', fastifyLike],
    ])('reads the TCP peer and X-Forwarded-For of a %s request', (_adapter, make) => {
      expect(resolver.clientIp(make('10.0.0.1', { 'x-forwarded-for': CLIENT }))).toBe(CLIENT);
      expect(resolver.clientIp(make(SPOOF, { 'x-forwarded-for': CLIENT }))).toBe(SPOOF);
      expect(resolver.clientIp(make('::ffff:10.0.0.1', { 'x-forwarded-for': CLIENT }))).toBe(
        CLIENT,
      );
    });

    it.each([
      ['no socket', { headers: {} }],
      ['a null socket', { headers: {}, socket: null }],
      ['a closed socket (no remoteAddress)', { headers: {}, socket: {} }],
      ['a numeric remoteAddress', { headers: {}, socket: { remoteAddress: 7 } }],
      ['a Fastify request without socket', { headers: {}, raw: {} }],
    ])('answers undefined for %s', (_case, request) => {
      expect(resolver.clientIp(request as unknown as SecurityRequest)).toBeUndefined();
      expect(resolver.throttleKey(request as unknown as SecurityRequest)).toBeUndefined();
    });

    it('keys IPv6 clients by /64 by default, and by the configured prefix', () => {
      const request = expressLike('10.0.0.1', { 'x-forwarded-for': '2001:db8:1:2:3:4:5:6' });
      expect(resolver.throttleKey(request)).toBe('2001:db8:1:2::/64');
      const per48 = new ClientIpResolver({ trustedProxies: TRUSTED, ipv6PrefixLength: 48 });
      expect(per48.throttleKey(request)).toBe('2001:db8:1::/48');
      const per128 = new ClientIpResolver({ trustedProxies: TRUSTED, ipv6PrefixLength: 128 });
      expect(per128.throttleKey(request)).toBe('2001:db8:1:2:3:4:5:6/128');
      expect(resolver.throttleKey(expressLike('::ffff:198.51.100.7'))).toBe(SPOOF);
    });

    it('reads several X-Forwarded-For lines of a real HTTP request, as Node joins them', async () => {
      const server = createServer((req: IncomingMessage, res) => {
        const local = new ClientIpResolver({ trustedProxies: ['127.0.0.1'] });
        res.end(JSON.stringify({ ip: local.clientIp(req), key: local.throttleKey(req) }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = server.address() as AddressInfo;
        const body = await new Promise<string>((resolve, reject) => {
          const request = httpRequest(
            {
              host: '127.0.0.1',
              port,
              path: '/',
              headers: { 'x-forwarded-for': [SPOOF, `2001:db8:1:2::99, 127.0.0.1`] },
            },
            (response) => {
              let text = '';
              response.on('data', (chunk: Buffer) => (text += chunk.toString()));
              response.on('end', () => {
                resolve(text);
              });
            },
          );
          request.on('error', reject);
          request.end();
        });
        expect(JSON.parse(body)).toEqual({ ip: '2001:db8:1:2::99', key: '2001:db8:1:2::/64' });
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });
  });

  describe('options', () => {
    it.each<[string, unknown]>([
      ['not an array', '10.0.0.0/8'],
      ['an object', { '10.0.0.0/8': true }],
      ['null', null],
    ])('refuses trustedProxies that is %s', (_case, trustedProxies) => {
      const construct = () =>
        new ClientIpResolver({ trustedProxies } as unknown as ClientIpResolverOptions);
      expect(construct).toThrow(SecurityConfigurationError);
      expect(construct).toThrow(/throttling\.trustedProxies/);
    });

    it.each<[unknown, RegExp]>([
      ['nonsense', /throttling\.trustedProxies\[1\]/],
      ['10.0.0.0/33', /invalid prefix length/],
      ['2001:db8::/129', /invalid prefix length/],
      ['10.0.0.0/8/8', /not an IP address/],
      ['fe80::1%eth0', /not an IP address/],
      ['0.0.0.0', /unspecified address/],
      ['::', /unspecified address/],
      [5, /must be a string/],
      [null, /must be a string/],
    ])('refuses the trusted proxy %p', (entry, message) => {
      const construct = () =>
        new ClientIpResolver({ trustedProxies: ['10.0.0.1', entry] as string[] });
      expect(construct).toThrow(SecurityConfigurationError);
      expect(construct).toThrow(message);
    });

    it.each([['0.0.0.0/0'], ['10.0.0.0/0'], ['::/0'], ['2001:db8::/00']])(
      'refuses %p, which trusts every address, in throttling terms',
      (entry) => {
        const construct = () => new ClientIpResolver({ trustedProxies: [entry] });
        expect(construct).toThrow(SecurityConfigurationError);
        expect(construct).toThrow(/throttling\.trustedProxies\[0\].*choose its own throttle key/);
      },
    );

    it.each([0, 129, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, -0, '64', null, []])(
      'refuses ipv6PrefixLength %p',
      (ipv6PrefixLength) => {
        const construct = () =>
          new ClientIpResolver({ ipv6PrefixLength } as unknown as ClientIpResolverOptions);
        expect(construct).toThrow(SecurityConfigurationError);
        expect(construct).toThrow(/throttling\.ipv6PrefixLength/);
      },
    );

    it.each([1, 48, 56, 64, 128])('accepts ipv6PrefixLength %p', (ipv6PrefixLength) => {
      expect(new ClientIpResolver({ ipv6PrefixLength }).ipv6PrefixLength).toBe(ipv6PrefixLength);
    });

    it('defaults to no trusted proxy and a /64', () => {
      const defaults = new ClientIpResolver();
      expect(defaults.trustedProxies.entries).toEqual([]);
      expect(defaults.ipv6PrefixLength).toBe(64);
    });

    it('suggests the right name for a misspelt option', () => {
      const options = { trustedProxy: ['10.0.0.1'] } as unknown as ClientIpResolverOptions;
      expect(() => new ClientIpResolver(options)).toThrow(/did you mean `trustedProxies`\?/);
    });

    it.each([[null], ['10.0.0.1'], [[]]])('refuses options that are %p', (options) => {
      expect(() => new ClientIpResolver(options as unknown as ClientIpResolverOptions)).toThrow(
        SecurityConfigurationError,
      );
    });
  });
});
