import { ipThrottleKey, normalizedIpThrottleKey, normalizeIpAddress } from './ip-address';

describe('normalizeIpAddress', () => {
  it.each([
    // IPv4
    ['192.0.2.1', '192.0.2.1'],
    ['0.0.0.0', '0.0.0.0'],
    ['255.255.255.255', '255.255.255.255'],
    ['192.0.2.1:8080', '192.0.2.1'],
    ['192.0.2.1:0', '192.0.2.1'],
    ['192.0.2.1:65535', '192.0.2.1'],
    // IPv6 compression forms, one canonical answer (RFC 5952)
    ['2001:db8::1', '2001:db8::1'],
    ['2001:DB8::1', '2001:db8::1'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8::0:1', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // the first of two equal runs
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'], // the longest run
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // a single zero group stays
    ['2001:db8:1:2:3:4:5::', '2001:db8:1:2:3:4:5:0'], // '::' for one group is expanded
    ['::', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
    ['fe80::1', 'fe80::1'],
    // zone ids are dropped
    ['fe80::1%eth0', 'fe80::1'],
    ['fe80::1%25', 'fe80::1'],
    ['fe80::a:b%en0.100', 'fe80::a:b'],
    [
      '[ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255%long-interface-name]:65535',
      'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
    ],
    // brackets and ports
    ['[2001:db8::1]', '2001:db8::1'],
    ['[2001:db8::1]:443', '2001:db8::1'],
    ['[fe80::1%eth0]:443', 'fe80::1'],
    // IPv4-mapped IPv6 becomes IPv4, in every spelling
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['::FFFF:192.0.2.1', '192.0.2.1'],
    ['::ffff:c000:201', '192.0.2.1'],
    ['0:0:0:0:0:ffff:192.0.2.1', '192.0.2.1'],
    ['[::ffff:192.0.2.1]:80', '192.0.2.1'],
    ['::ffff:0.0.0.0', '0.0.0.0'],
    // look-alikes that are not IPv4-mapped stay IPv6
    ['::192.0.2.1', '::c000:201'],
    ['::ffff:0:192.0.2.1', '::ffff:0:c000:201'],
    ['64:ff9b::192.0.2.1', '64:ff9b::c000:201'],
    ['2001:db8::192.0.2.1', '2001:db8::c000:201'],
  ])('normalises %p to %p', (input, expected) => {
    expect(normalizeIpAddress(input)).toBe(expected);
  });

  it.each([
    [''],
    [' '],
    [' 192.0.2.1'],
    ['192.0.2.1 '],
    ['unknown'],
    ['localhost'],
    ['example.com'],
    ['_hidden'], // RFC 7239 obfuscated identifier
    ['192.0.2'],
    ['192.0.2.1.5'],
    ['192.0.2.256'],
    ['01.2.3.4'],
    ['0x7f.0.0.1'],
    ['2130706433'],
    ['192.0.2.1/32'],
    ['192.0.2.1:'],
    ['192.0.2.1:65536'],
    ['192.0.2.1:123456'],
    ['192.0.2.1:http'],
    ['1.2.3.4:5:6'],
    ['2001:db8::1:443'.replace('::', ':::')],
    ['1::2::3'],
    ['2001:db8:1:2:3:4:5:6:7'],
    ['2001:db8::g'],
    ['12345::1'],
    ['[2001:db8::1'],
    ['2001:db8::1]'],
    ['[192.0.2.1]'],
    ['[2001:db8::1]:'],
    ['[2001:db8::1]:65536'],
    ['[2001:db8::1]443'],
    ['fe80::1%'],
    ['fe80::1%eth 0'],
    ['fe80::1%eth0%1'],
    ['fe80::1%eth/0'],
    ['192.0.2.1%eth0'],
    ['::ffff:192.0.2.256'],
    ['a'.repeat(65)],
    [`fe80::1%${'a'.repeat(100)}`],
    ['\u0000192.0.2.1'],
    ['１９２.0.2.1'], // full-width digits
  ])('refuses %p', (input) => {
    expect(normalizeIpAddress(input)).toBeUndefined();
  });
});

describe('ipThrottleKey', () => {
  it.each([
    ['192.0.2.1', 64, '192.0.2.1'],
    ['192.0.2.1', 1, '192.0.2.1'],
    ['2001:db8:1:2:3:4:5:6', 64, '2001:db8:1:2::/64'],
    ['2001:db8:1:2:ffff:ffff:ffff:ffff', 64, '2001:db8:1:2::/64'],
    ['2001:db8:1:2:3:4:5:6', 56, '2001:db8:1::/56'],
    ['2001:db8:1:2ff:3:4:5:6', 56, '2001:db8:1:200::/56'],
    ['2001:db8:1:2:3:4:5:6', 48, '2001:db8:1::/48'],
    ['2001:db8:1:2:3:4:5:6', 128, '2001:db8:1:2:3:4:5:6/128'],
    ['2001:db8:1:2:3:4:5:6', 127, '2001:db8:1:2:3:4:5:6/127'],
    ['2001:db8:1:2:3:4:5:7', 127, '2001:db8:1:2:3:4:5:6/127'],
    ['2001:db8:1:2:3:4:5:6', 65, '2001:db8:1:2::/65'],
    ['2001:db8:1:2:8000::', 65, '2001:db8:1:2:8000::/65'],
    ['ffff:ffff::', 1, '8000::/1'],
    ['7fff::', 1, '::/1'],
    ['::1', 64, '::/64'],
    ['::1', 128, '::1/128'],
    ['fe80::1', 64, 'fe80::/64'],
    ['2001:db8::', 64, '2001:db8::/64'],
  ])('keys %p with a /%p prefix as %p', (address, prefix, expected) => {
    expect(ipThrottleKey(address, prefix)).toBe(expected);
  });

  it('gives every address of one /64 the same key, and the next /64 another', () => {
    const keys = ['2001:db8:1:2::1', '2001:db8:1:2:a:b:c:d', '2001:db8:1:2:ffff::'].map((address) =>
      ipThrottleKey(address, 64),
    );
    expect(new Set(keys)).toEqual(new Set(['2001:db8:1:2::/64']));
    expect(ipThrottleKey('2001:db8:1:3::1', 64)).toBe('2001:db8:1:3::/64');
  });

  it.each([
    ['fe80::1%eth0', 64, 'fe80::/64'],
    ['[2001:db8:1:2::1]:443', 64, '2001:db8:1:2::/64'],
    ['::ffff:192.0.2.1', 64, '192.0.2.1'],
    ['2001:DB8:1:2::1', 64, '2001:db8:1:2::/64'],
  ])('normalises %p before keying it', (address, prefix, expected) => {
    expect(ipThrottleKey(address, prefix)).toBe(expected);
  });

  it.each([['not an ip'], [''], ['unknown'], ['192.0.2.1 ']])('refuses %p', (address) => {
    expect(() => ipThrottleKey(address, 64)).toThrow(TypeError);
  });
});

describe('normalizedIpThrottleKey', () => {
  it.each([
    ['192.0.2.1', 64],
    ['::ffff:192.0.2.1', 64],
    ['::ffff:c000:201', 128],
    ['[2001:db8:1:2::1]:443', 64],
    ['192.0.2.1:8080', 64],
    ['fe80::1%eth0', 64],
    ['2001:DB8:1:2:3:4:5:6', 56],
    ['2001:db8:1:2:3:4:5:7', 127],
    ['::1', 128],
    ['::', 1],
    ['::ffff:0:0', 64],
    ['64:ff9b::192.0.2.1', 96],
  ])('keys normalizeIpAddress(%p) with a /%p prefix as ipThrottleKey does', (address, prefix) => {
    const normalized = normalizeIpAddress(address);
    if (normalized === undefined) throw new Error(`${address} should normalise`);
    expect(normalizedIpThrottleKey(normalized, prefix)).toBe(ipThrottleKey(address, prefix));
  });

  it('keeps an IPv4 address as it is and keys an IPv6 one by its network', () => {
    expect(normalizedIpThrottleKey('192.0.2.1', 64)).toBe('192.0.2.1');
    expect(normalizedIpThrottleKey('2001:db8:1:2::1', 64)).toBe('2001:db8:1:2::/64');
    expect(normalizedIpThrottleKey('::', 64)).toBe('::/64');
  });
});
