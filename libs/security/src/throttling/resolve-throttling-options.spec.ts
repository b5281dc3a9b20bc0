import { resolveSecurityOptions } from '../core/resolve-security-options';
import { SecurityConfigurationError } from '../errors/security-configuration.error';
import { ClientIpResolver } from './client-ip.resolver';
import { DEFAULT_THROTTLER, resolveThrottlingOptions } from './resolve-throttling-options';
import { MAX_THROTTLE_DURATION_MS, MAX_THROTTLE_LIMIT } from './throttle-rule.interface';

/** The error `run` fails with (the test fails if it succeeds or fails otherwise). */
function refusal(run: () => unknown): SecurityConfigurationError {
  try {
    run();
  } catch (error) {
    if (error instanceof SecurityConfigurationError) return error;
    throw error;
  }
  throw new Error('accepted');
}

/** One refused input: what is wrong, at which option, and the fix the message must give. */
type Refusal = readonly [
  name: string,
  input: unknown,
  option: string,
  problem: string,
  fix: string,
];

/** Refuses every row, with exactly `SecurityModule option "<option>" <problem>. Fix: <fix>.` */
function expectRefusals(rows: readonly Refusal[]): void {
  it.each(rows)('refuses %s', (_name, input, option, problem, fix) => {
    const error = refusal(() => resolveThrottlingOptions(input));
    expect(error.code).toBe('SECURITY_INVALID_OPTIONS');
    expect(error.option).toBe(option);
    expect(error.message).toBe(`SecurityModule option "${option}" ${problem}. Fix: ${fix}.`);
    // The same refusal stops SecurityModule's own resolution.
    expect(
      refusal(() => resolveSecurityOptions({ environment: 'test', throttling: input })).message,
    ).toBe(error.message);
  });
}

const RULE = { limit: 5, windowMs: 60_000 };
const FIFTEEN_MINUTES_MS = 900_000;

/** Where a number option sits, how to put a value there, and its rule. */
interface NumberField {
  readonly option: string;
  readonly input: (value: unknown) => unknown;
  readonly min: number;
  readonly max: number;
  readonly unit: string;
}

const limitFields = (option: string, input: (rule: object) => unknown): NumberField[] => [
  {
    option: `${option}.limit`,
    input: (limit) => input({ ...RULE, limit }),
    min: 1,
    max: MAX_THROTTLE_LIMIT,
    unit: 'requests',
  },
  {
    option: `${option}.windowMs`,
    input: (windowMs) => input({ ...RULE, windowMs }),
    min: 1,
    max: MAX_THROTTLE_DURATION_MS,
    unit: 'milliseconds',
  },
  {
    option: `${option}.blockMs`,
    input: (blockMs) => input({ ...RULE, blockMs }),
    min: 0,
    max: MAX_THROTTLE_DURATION_MS,
    unit: 'milliseconds',
  },
];

const NUMBER_FIELDS: readonly NumberField[] = [
  ...limitFields('throttling.throttlers[0]', (rule) => ({ throttlers: [rule] })),
  // The index in the path is the entry's own.
  ...limitFields('throttling.throttlers[1]', (rule) => ({
    throttlers: [{ ...RULE, name: 'burst' }, rule],
  })),
  ...limitFields('throttling.credentials.perAccount', (perAccount) => ({
    credentials: { perAccount },
  })),
  ...limitFields('throttling.credentials.perIp', (perIp) => ({ credentials: { perIp } })),
  {
    option: 'throttling.ipv6PrefixLength',
    input: (ipv6PrefixLength) => ({ ipv6PrefixLength }),
    min: 1,
    max: 128,
    unit: 'bits',
  },
];

/** Not a finite number: the same message for every number option. */
const NOT_A_NUMBER: readonly [string, unknown, string][] = [
  ['-0', -0, '-0'],
  ['NaN', NaN, 'NaN'],
  ['Infinity', Infinity, 'Infinity'],
  ['-Infinity', -Infinity, '-Infinity'],
  ['"123"', '123', 'a string'],
  ['""', '', 'a string'],
  ['null', null, 'null'],
  ['[]', [], 'an array'],
  ['[5]', [5], 'an array'],
  ['{}', {}, 'object'],
  ['true', true, 'boolean'],
  ['5n', 5n, 'bigint'],
];

function numberRefusals(field: NumberField): Refusal[] {
  const { option, min, max, unit } = field;
  return [
    ...NOT_A_NUMBER.map(([name, value, got]): Refusal => [
      `${option}: ${name}`,
      field.input(value),
      option,
      `must be a finite number ${unit}, got ${got}`,
      `set "${option}" to a number ${unit}`,
    ]),
    ...[1.5, min + 0.001, max - 0.5].map((value): Refusal => [
      `${option}: ${value} (not whole)`,
      field.input(value),
      option,
      `must be a whole number ${unit}, got the number ${value}`,
      `round "${option}" to a whole number ${unit}`,
    ]),
    ...[min - 1, -1_000].map((value): Refusal => [
      `${option}: ${value} (too small)`,
      field.input(value),
      option,
      `must be at least ${min} ${unit}, got the number ${value}`,
      `raise "${option}" to ${min} ${unit} or more`,
    ]),
    ...[max + 1, Number.MAX_SAFE_INTEGER].map((value): Refusal => [
      `${option}: ${value} (too large)`,
      field.input(value),
      option,
      `must be at most ${max} ${unit}, got the number ${value}`,
      `lower "${option}" to ${max} ${unit} or less`,
    ]),
  ];
}

/** Objects that are not plain objects, as readObject describes them. */
const NOT_AN_OBJECT: readonly [string, unknown, string][] = [
  ['null', null, 'null'],
  ['[]', [], 'an array'],
  ['"x"', 'x', 'a string'],
  ['0', 0, 'the number 0'],
  ['true', true, 'boolean'],
  ['a Map', new Map(), 'object'],
  [
    'a class instance',
    new (class Limits {
      readonly limit = 5;
    })(),
    'object',
  ],
];

function objectRefusals(option: string, input: (value: unknown) => unknown): Refusal[] {
  return NOT_AN_OBJECT.map(([name, value, got]): Refusal => [
    `${option}: ${name}`,
    input(value),
    option,
    `must be a plain object, got ${got}`,
    `pass an object literal for "${option}"`,
  ]);
}

const ALGORITHMS = "'fixed-window', 'sliding-window', 'token-bucket'";
const POLICIES = "'fail-open', 'fail-closed'";

/** Values of a choice option, how the message shows them, and the fix. */
function choiceRefusals(
  option: string,
  input: (value: unknown) => unknown,
  choices: string,
  rows: readonly [value: unknown, shown: string, fix: string | undefined][],
): Refusal[] {
  return rows.map(([value, shown, fix]): Refusal => [
    `${option}: ${shown}`,
    input(value),
    option,
    `must be one of ${choices}, got ${shown}`,
    fix ?? `use one of ${choices}`,
  ]);
}

const ALGORITHM_VALUES: readonly [unknown, string, string | undefined][] = [
  ['leaky-bucket', "'leaky-bucket'", undefined],
  ['sliding-log', "'sliding-log'", undefined],
  ['', "''", undefined],
  ['sliding', "'sliding'", "did you mean 'sliding-window'?"],
  ['Token-Bucket', "'Token-Bucket'", "did you mean 'token-bucket'?"],
  ['fixed_window', "'fixed_window'", "did you mean 'fixed-window'?"],
  [null, 'null', undefined],
  [1, 'the number 1', undefined],
  [['token-bucket'], 'an array', undefined],
];

const POLICY_VALUES: readonly [unknown, string, string | undefined][] = [
  ['closed', "'closed'", "did you mean 'fail-closed'?"],
  ['open', "'open'", "did you mean 'fail-open'?"],
  ['fail-close', "'fail-close'", "did you mean 'fail-closed'?"],
  ['FAIL-OPEN', "'FAIL-OPEN'", "did you mean 'fail-open'?"],
  [true, 'boolean', undefined],
  [null, 'null', undefined],
];

describe('resolveThrottlingOptions', () => {
  describe('defaults', () => {
    it.each([
      ['undefined', undefined],
      ['{}', {}],
    ])('fills every field for %s', (_name, raw) => {
      const resolved = resolveThrottlingOptions(raw);
      expect(resolved).toEqual({
        throttlers: [
          {
            name: 'default',
            limit: 600,
            windowMs: 60_000,
            algorithm: 'sliding-window',
            blockMs: 0,
            onStoreUnavailable: 'fail-open',
          },
        ],
        clientIp: expect.any(ClientIpResolver) as unknown,
        credentials: {
          perAccount: {
            algorithm: 'sliding-window',
            limit: 10,
            windowMs: FIFTEEN_MINUTES_MS,
            blockMs: 0,
          },
          perIp: {
            algorithm: 'sliding-window',
            limit: 100,
            windowMs: FIFTEEN_MINUTES_MS,
            blockMs: 0,
          },
          accountField: 'username',
          onStoreUnavailable: 'fail-closed',
        },
        rateLimitHeaders: 'draft-8',
      });
      expect(resolved.throttlers[0]).toBe(DEFAULT_THROTTLER);
      expect(Object.isFrozen(DEFAULT_THROTTLER)).toBe(true);
      // No proxy is trusted: the TCP peer is the client, X-Forwarded-For is ignored.
      expect(resolved.clientIp.trustedProxies.entries).toEqual([]);
      expect(resolved.clientIp.resolve('10.0.0.1', '203.0.113.9')).toBe('10.0.0.1');
      expect(resolved.clientIp.ipv6PrefixLength).toBe(64);
    });

    it('is frozen once SecurityModule has resolved it', () => {
      const { throttling } = resolveSecurityOptions({ environment: 'test' });
      expect(Object.isFrozen(throttling)).toBe(true);
      expect(Object.isFrozen(throttling.throttlers)).toBe(true);
      expect(Object.isFrozen(throttling.credentials.perAccount)).toBe(true);
      expect(Object.isFrozen(throttling.clientIp.trustedProxies)).toBe(true);
    });
  });

  describe('valid variants', () => {
    it('takes several named throttlers, each with its own algorithm, block and policy', () => {
      const resolved = resolveThrottlingOptions({
        throttlers: [
          { name: 'burst', limit: 20, windowMs: 1_000, algorithm: 'token-bucket' },
          {
            name: 'sustained',
            limit: 600,
            windowMs: 60_000,
            algorithm: 'fixed-window',
            blockMs: 300_000,
            onStoreUnavailable: 'fail-closed',
          },
          { limit: 1, windowMs: 1 },
        ],
      });
      expect(resolved.throttlers).toEqual([
        {
          name: 'burst',
          limit: 20,
          windowMs: 1_000,
          algorithm: 'token-bucket',
          blockMs: 0,
          onStoreUnavailable: 'fail-open',
        },
        {
          name: 'sustained',
          limit: 600,
          windowMs: 60_000,
          algorithm: 'fixed-window',
          blockMs: 300_000,
          onStoreUnavailable: 'fail-closed',
        },
        {
          name: 'default',
          limit: 1,
          windowMs: 1,
          algorithm: 'sliding-window',
          blockMs: 0,
          onStoreUnavailable: 'fail-open',
        },
      ]);
    });

    it('switches the general limit off with [] and keeps the credential limits', () => {
      const resolved = resolveThrottlingOptions({ throttlers: [] });
      expect(resolved.throttlers).toEqual([]);
      expect(resolved.credentials.perAccount.limit).toBe(10);
    });

    it('accepts the bounds of every number', () => {
      const rule = { limit: MAX_THROTTLE_LIMIT, windowMs: MAX_THROTTLE_DURATION_MS, blockMs: 0 };
      const resolved = resolveThrottlingOptions({
        throttlers: [{ name: 'max', ...rule, blockMs: MAX_THROTTLE_DURATION_MS }],
        credentials: { perAccount: { limit: 1, windowMs: 1 }, perIp: rule },
        ipv6PrefixLength: 128,
      });
      expect(resolved.throttlers[0]).toMatchObject({
        limit: 1_000_000,
        windowMs: 2_147_483_647,
        blockMs: 2_147_483_647,
      });
      expect(resolved.credentials.perAccount).toEqual({
        algorithm: 'sliding-window',
        limit: 1,
        windowMs: 1,
        blockMs: 0,
      });
      expect(resolved.credentials.perIp).toEqual({ algorithm: 'sliding-window', ...rule });
      expect(resolved.clientIp.ipv6PrefixLength).toBe(128);
      expect(resolveThrottlingOptions({ ipv6PrefixLength: 1 }).clientIp.ipv6PrefixLength).toBe(1);
    });

    it('takes names of letters, digits, "_" and "-", up to 64 characters, case-sensitive', () => {
      const names = ['a', 'A', 'burst_1', 'per-minute', 'x'.repeat(64), 'Default', 'default'];
      const resolved = resolveThrottlingOptions({
        throttlers: names.map((name) => ({ name, ...RULE })),
      });
      expect(resolved.throttlers.map((throttler) => throttler.name)).toEqual(names);
    });

    it('takes trusted proxies as IPv4 and IPv6 addresses and ranges, and an IPv6 prefix', () => {
      const trustedProxies = ['10.0.0.0/8', '192.0.2.10', 'fd00::/8', '2001:db8::1', '::1'];
      const { clientIp } = resolveThrottlingOptions({ trustedProxies, ipv6PrefixLength: 48 });
      expect(clientIp.trustedProxies.entries).toEqual(trustedProxies);
      expect(clientIp.ipv6PrefixLength).toBe(48);
      expect(clientIp.resolve('10.1.2.3', '203.0.113.9')).toBe('203.0.113.9');
      expect(clientIp.resolve('fd12::1', '2001:db8:1:2::9')).toBe('2001:db8:1:2::9');
      expect(clientIp.resolve('198.51.100.1', '203.0.113.9')).toBe('198.51.100.1');
      expect(
        resolveThrottlingOptions({ trustedProxies: [] }).clientIp.trustedProxies.entries,
      ).toEqual([]);
    });

    it('takes partial credential limits, another account field and either policy', () => {
      const resolved = resolveThrottlingOptions({
        credentials: {
          perAccount: { limit: 5, windowMs: 60_000, algorithm: 'fixed-window', blockMs: 900_000 },
          accountField: 'email',
          onStoreUnavailable: 'fail-open',
        },
      });
      expect(resolved.credentials).toEqual({
        perAccount: { algorithm: 'fixed-window', limit: 5, windowMs: 60_000, blockMs: 900_000 },
        perIp: {
          algorithm: 'sliding-window',
          limit: 100,
          windowMs: FIFTEEN_MINUTES_MS,
          blockMs: 0,
        },
        accountField: 'email',
        onStoreUnavailable: 'fail-open',
      });
      expect(
        resolveThrottlingOptions({ credentials: { onStoreUnavailable: 'fail-closed' } }).credentials
          .onStoreUnavailable,
      ).toBe('fail-closed');
    });
  });

  describe('number options', () => {
    describe.each(NUMBER_FIELDS.map((field) => [field.option, field] as const))(
      '%s',
      (_option, field) => {
        expectRefusals(numberRefusals(field));
      },
    );
  });

  describe('required numbers', () => {
    const fix = 'give every limit both "limit" (requests per window) and "windowMs" (milliseconds)';
    expectRefusals([
      [
        'a throttler without limit',
        { throttlers: [{ windowMs: 60_000 }] },
        'throttling.throttlers[0].limit',
        'is required',
        fix,
      ],
      [
        'a throttler without windowMs',
        { throttlers: [{ limit: 5 }] },
        'throttling.throttlers[0].windowMs',
        'is required',
        fix,
      ],
      [
        'a throttler with limit: undefined',
        { throttlers: [{ limit: undefined, windowMs: 60_000 }] },
        'throttling.throttlers[0].limit',
        'is required',
        fix,
      ],
      [
        'an empty throttler',
        { throttlers: [{}] },
        'throttling.throttlers[0].limit',
        'is required',
        fix,
      ],
      [
        'an empty perAccount limit',
        { credentials: { perAccount: {} } },
        'throttling.credentials.perAccount.limit',
        'is required',
        fix,
      ],
      [
        'a perIp limit without windowMs',
        { credentials: { perIp: { limit: 5 } } },
        'throttling.credentials.perIp.windowMs',
        'is required',
        fix,
      ],
    ]);
  });

  describe('objects', () => {
    expectRefusals([
      ...objectRefusals('throttling', (value) => value),
      ...objectRefusals('throttling.throttlers[0]', (value) => ({ throttlers: [value] })),
      ...objectRefusals('throttling.throttlers[1]', (value) => ({ throttlers: [RULE, value] })),
      ...objectRefusals('throttling.credentials', (credentials) => ({ credentials })),
      ...objectRefusals('throttling.credentials.perAccount', (perAccount) => ({
        credentials: { perAccount },
      })),
      ...objectRefusals('throttling.credentials.perIp', (perIp) => ({ credentials: { perIp } })),
    ]);
  });

  describe('throttling.throttlers', () => {
    const fix =
      "pass e.g. [{ name: 'default', limit: 600, windowMs: 60000 }], or [] for no general limit";
    expectRefusals(
      (
        [
          ['a single throttler object', RULE],
          ['null', null],
          ['a string', 'default'],
          ['a number', 600],
          ['a Set', new Set([RULE])],
        ] as const
      ).map(([name, throttlers]): Refusal => [
        `${name} instead of an array`,
        { throttlers },
        'throttling.throttlers',
        'must be an array of throttlers',
        fix,
      ]),
    );
  });

  describe('throttler names', () => {
    const nameFix = "use a short identifier such as 'default' or 'burst'";
    const stringFix = 'set "throttling.throttlers[0].name" to a non-empty string';
    const wrongName = (name: string, value: unknown): Refusal => [
      name,
      { throttlers: [{ name: value, ...RULE }] },
      'throttling.throttlers[0].name',
      'must be 1 to 64 letters, digits, "_" or "-"',
      nameFix,
    ];
    const notAString = (name: string, value: unknown, got: string): Refusal => [
      name,
      { throttlers: [{ name: value, ...RULE }] },
      'throttling.throttlers[0].name',
      `must be a non-empty string without surrounding spaces, got ${got}`,
      stringFix,
    ];
    expectRefusals([
      notAString('an empty name', '', 'a string'),
      notAString('a blank name', '   ', 'a string'),
      notAString('a name with surrounding spaces', ' burst ', 'a string'),
      notAString('null', null, 'null'),
      notAString('a number', 1, 'the number 1'),
      notAString('an array', ['burst'], 'an array'),
      wrongName('a name with a space', 'per minute'),
      wrongName('a name with a colon (a key separator)', 'a:b'),
      wrongName('a name with a dot', 'per.minute'),
      wrongName('a non-ASCII name', 'débit'),
      wrongName('a 65-character name', 'x'.repeat(65)),
      [
        'two unnamed throttlers (both "default")',
        { throttlers: [RULE, RULE] },
        'throttling.throttlers[1].name',
        "repeats the throttler name 'default'",
        'give every throttler a name of its own',
      ],
      [
        'a repeated name further down',
        {
          throttlers: [
            { name: 'a', ...RULE },
            { name: 'b', ...RULE },
            { name: 'a', ...RULE },
          ],
        },
        'throttling.throttlers[2].name',
        "repeats the throttler name 'a'",
        'give every throttler a name of its own',
      ],
      [
        'a named "default" after an unnamed one',
        { throttlers: [RULE, { name: 'default', ...RULE }] },
        'throttling.throttlers[1].name',
        "repeats the throttler name 'default'",
        'give every throttler a name of its own',
      ],
    ]);
  });

  describe('algorithms', () => {
    expectRefusals([
      ...choiceRefusals(
        'throttling.throttlers[0].algorithm',
        (algorithm) => ({ throttlers: [{ ...RULE, algorithm }] }),
        ALGORITHMS,
        ALGORITHM_VALUES,
      ),
      ...choiceRefusals(
        'throttling.credentials.perAccount.algorithm',
        (algorithm) => ({ credentials: { perAccount: { ...RULE, algorithm } } }),
        ALGORITHMS,
        ALGORITHM_VALUES,
      ),
      ...choiceRefusals(
        'throttling.credentials.perIp.algorithm',
        (algorithm) => ({ credentials: { perIp: { ...RULE, algorithm } } }),
        ALGORITHMS,
        ALGORITHM_VALUES,
      ),
    ]);
  });

  describe('store outage policies', () => {
    expectRefusals([
      ...choiceRefusals(
        'throttling.throttlers[0].onStoreUnavailable',
        (onStoreUnavailable) => ({ throttlers: [{ ...RULE, onStoreUnavailable }] }),
        POLICIES,
        POLICY_VALUES,
      ),
      ...choiceRefusals(
        'throttling.credentials.onStoreUnavailable',
        (onStoreUnavailable) => ({ credentials: { onStoreUnavailable } }),
        POLICIES,
        POLICY_VALUES,
      ),
    ]);
  });

  describe('throttling.credentials.accountField', () => {
    const option = 'throttling.credentials.accountField';
    expectRefusals(
      (
        [
          ['""', '', 'a string'],
          ['" username"', ' username', 'a string'],
          ['null', null, 'null'],
          ['0', 0, 'the number 0'],
          ['[]', [], 'an array'],
          ['{}', {}, 'object'],
        ] as const
      ).map(([name, accountField, got]): Refusal => [
        name,
        { credentials: { accountField } },
        option,
        `must be a non-empty string without surrounding spaces, got ${got}`,
        `set "${option}" to a non-empty string`,
      ]),
    );
  });

  describe('throttling.trustedProxies', () => {
    const example = "an IP address or CIDR range such as '10.0.0.7', '10.0.0.0/8' or 'fd00::/8'";
    const notAList = (name: string, value: unknown, got: string): Refusal => [
      name,
      { trustedProxies: value },
      'throttling.trustedProxies',
      `must be an array, got ${got}`,
      "pass a list of IP addresses or CIDR ranges, e.g. ['10.0.0.7'], or [] to trust no proxy",
    ];
    /** The entry goes second, after a valid one, so the index in the path is checked. */
    const badEntry = (name: string, entry: unknown, problem: string, fix: string): Refusal => [
      name,
      { trustedProxies: ['10.0.0.1', entry] },
      'throttling.trustedProxies[1]',
      problem,
      fix,
    ];
    const notAnAddress = (entry: string): Refusal =>
      badEntry(
        `'${entry}'`,
        entry,
        `is not an IP address or CIDR range, got '${entry}'`,
        `use ${example}`,
      );
    const everyone = (entry: string): Refusal =>
      badEntry(
        `'${entry}' (every address)`,
        entry,
        `trusts every address ('${entry}'), so any client could choose its own throttle key`,
        'list the addresses or ranges of your proxies only',
      );
    const badPrefix = (entry: string, bits: number): Refusal =>
      badEntry(
        `'${entry}' (prefix length)`,
        entry,
        `has an invalid prefix length in '${entry}'`,
        `use a whole number from 1 to ${bits} after the '/'`,
      );
    expectRefusals([
      notAList('a single address as a string', '10.0.0.1', 'a string'),
      notAList('a comma-separated string', '10.0.0.1, 10.0.0.2', 'a string'),
      notAList('null', null, 'null'),
      notAList('an object', { '10.0.0.1': true }, 'object'),
      notAList('true', true, 'boolean'),
      notAnAddress('not-an-ip'),
      notAnAddress(''),
      notAnAddress('localhost'),
      notAnAddress('10.0.0'),
      notAnAddress('256.0.0.1'),
      notAnAddress('10.0.0.0/8/16'),
      notAnAddress('fe80::1%eth0'),
      notAnAddress(' 10.0.0.2'),
      notAnAddress('10.0.0.0-10.0.0.255'),
      everyone('0.0.0.0/0'),
      everyone('::/0'),
      everyone('10.0.0.0/0'),
      everyone('10.0.0.0/00'),
      badPrefix('10.0.0.0/33', 32),
      badPrefix('10.0.0.0/-1', 32),
      badPrefix('10.0.0.0/', 32),
      badPrefix('10.0.0.0/8.5', 32),
      badPrefix('10.0.0.0/08', 32),
      badPrefix('fd00::/129', 128),
      badPrefix('fd00::/x', 128),
      badEntry(
        "'0.0.0.0' (unspecified)",
        '0.0.0.0',
        "is the unspecified address '0.0.0.0', which is never the peer of a connection",
        'list the addresses of your proxies',
      ),
      badEntry(
        "'::' (unspecified)",
        '::',
        "is the unspecified address '::', which is never the peer of a connection",
        'list the addresses of your proxies',
      ),
      badEntry(
        'a number',
        167772161,
        'must be a string, got the number 167772161',
        `use ${example}`,
      ),
      badEntry('null', null, 'must be a string, got null', `use ${example}`),
      badEntry('an array', ['10.0.0.2'], 'must be a string, got an array', `use ${example}`),
    ]);
  });

  describe('rateLimitHeaders', () => {
    it.each(['draft-8', 'draft-6', false] as const)('takes %s', (format) => {
      expect(resolveThrottlingOptions({ rateLimitHeaders: format }).rateLimitHeaders).toBe(format);
    });

    it.each<[unknown, string]>([
      ['draft-7', "did you mean 'draft-8'?"],
      ['draft8', "did you mean 'draft-8'?"],
      ['none', "use one of 'draft-8', 'draft-6'"],
      [true, "use 'draft-8' (RateLimit and RateLimit-Policy), 'draft-6'"],
      [null, 'or false (none)'],
      [6, "must be 'draft-8', 'draft-6' or false"],
    ])('refuses %p, naming the option and the fix', (value, fix) => {
      expect(() => resolveThrottlingOptions({ rateLimitHeaders: value })).toThrow(
        expect.objectContaining({
          message: expect.stringContaining('"throttling.rateLimitHeaders"') as unknown,
        }) as Error,
      );
      expect(() => resolveThrottlingOptions({ rateLimitHeaders: value })).toThrow(fix);
    });
  });

  describe('unknown keys', () => {
    const known = (path: string, keys: readonly string[]): string =>
      `remove it; the known options of "${path}" are ${keys.map((key) => `\`${key}\``).join(', ')}`;
    const TOP = [
      'throttlers',
      'trustedProxies',
      'ipv6PrefixLength',
      'credentials',
      'rateLimitHeaders',
    ];
    const THROTTLER = ['name', 'limit', 'windowMs', 'algorithm', 'blockMs', 'onStoreUnavailable'];
    const CREDENTIALS = ['perAccount', 'perIp', 'accountField', 'onStoreUnavailable'];
    const LIMIT = ['limit', 'windowMs', 'algorithm', 'blockMs'];
    const inThrottler = (extra: object) => ({ throttlers: [{ ...RULE, ...extra }] });
    /** [unknown key, input, option path after "throttling.", fix] */
    const rows: readonly [string, unknown, string, string][] = [
      ['throttler', { throttler: [] }, 'throttler', 'did you mean `throttlers`?'],
      ['trustedProxy', { trustedProxy: [] }, 'trustedProxy', 'did you mean `trustedProxies`?'],
      // Express's name for the setting.
      ['trustProxy', { trustProxy: true }, 'trustProxy', 'did you mean `trustedProxies`?'],
      ['ipv6Prefix', { ipv6Prefix: 48 }, 'ipv6Prefix', 'did you mean `ipv6PrefixLength`?'],
      ['credential', { credential: {} }, 'credential', 'did you mean `credentials`?'],
      ['enabled', { enabled: false }, 'enabled', known('throttling', TOP)],
      // A limit belongs to a throttler.
      ['limit at the top level', { limit: 5 }, 'limit', 'did you mean `throttlers`?'],
      [
        'windowMS in a throttler',
        inThrottler({ windowMS: 1 }),
        'throttlers[0].windowMS',
        'did you mean `windowMs`?',
      ],
      [
        'limt in a throttler',
        inThrottler({ limt: 1 }),
        'throttlers[0].limt',
        'did you mean `limit`?',
      ],
      [
        'blockMS in a throttler',
        inThrottler({ blockMS: 1 }),
        'throttlers[0].blockMS',
        'did you mean `blockMs`?',
      ],
      [
        "@nestjs/throttler's ttl in a throttler",
        inThrottler({ ttl: 60_000 }),
        'throttlers[0].ttl',
        'did you mean `windowMs`?',
      ],
      [
        'an unrelated key in a throttler',
        inThrottler({ perMinute: 5 }),
        'throttlers[0].perMinute',
        known('throttling.throttlers[0]', THROTTLER),
      ],
      [
        "@nestjs/throttler's blockDuration in a throttler",
        inThrottler({ blockDuration: 1 }),
        'throttlers[0].blockDuration',
        'did you mean `blockMs`?',
      ],
      [
        'ttl in a credential limit',
        { credentials: { perIp: { ...RULE, ttl: 1 } } },
        'credentials.perIp.ttl',
        'did you mean `windowMs`?',
      ],
      [
        'perAcount',
        { credentials: { perAcount: RULE } },
        'credentials.perAcount',
        'did you mean `perAccount`?',
      ],
      ['perIP', { credentials: { perIP: RULE } }, 'credentials.perIP', 'did you mean `perIp`?'],
      [
        'accountFeild',
        { credentials: { accountFeild: 'email' } },
        'credentials.accountFeild',
        'did you mean `accountField`?',
      ],
      [
        'limit directly in credentials',
        { credentials: { limit: 5 } },
        'credentials.limit',
        known('throttling.credentials', CREDENTIALS),
      ],
      [
        'a name in a credential limit',
        { credentials: { perAccount: { ...RULE, name: 'login' } } },
        'credentials.perAccount.name',
        known('throttling.credentials.perAccount', LIMIT),
      ],
      [
        'a policy in a credential limit (it belongs to credentials)',
        { credentials: { perIp: { ...RULE, onStoreUnavailable: 'fail-open' } } },
        'credentials.perIp.onStoreUnavailable',
        known('throttling.credentials.perIp', LIMIT),
      ],
    ];
    expectRefusals(
      rows.map(([name, input, option, fix]): Refusal => [
        name,
        input,
        `throttling.${option}`,
        'is not a known option',
        fix,
      ]),
    );
  });
});
