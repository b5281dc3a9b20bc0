import type { TestingModuleBuilder } from '@nestjs/testing';
import { SecurityClock } from '../core/security-clock';

function assertFiniteMs(name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TypeError(`TestClock.${name} takes a finite number of milliseconds`);
  }
}

/**
 * A {@link SecurityClock} that moves only when the test moves it, for refresh-token lifetimes,
 * revocation cut-offs and the JWKS cache of external issuers without sleeping. It starts at the
 * real time: move it forward after the app has started (a clock set in the future before start-up
 * would put the revocation epoch after every token). Access-token `exp` is checked by
 * jsonwebtoken against the real time, so this clock does not expire access tokens.
 *
 * @example
 * const clock = new TestClock();
 * const app = await createSecurityTestingApp(createSecurityTestingModule({ imports: [AppModule] }, { clock }));
 * clock.advance(15 * 24 * 3_600_000); // 15 days: past the default refresh idle lifetime
 */
export class TestClock implements SecurityClock {
  private current: number;

  /** @param startMs Milliseconds since the epoch. @default Date.now() */
  constructor(startMs: number = Date.now()) {
    assertFiniteMs('constructor', startMs);
    this.current = startMs;
  }

  /** The clock's time, in milliseconds since the epoch. */
  now(): number {
    return this.current;
  }

  /**
   * Moves the clock by `ms` milliseconds (negative moves it back) and returns the new time.
   *
   * @example
   * clock.advance(60_000); // one minute later
   */
  advance(ms: number): number {
    assertFiniteMs('advance', ms);
    this.current += ms;
    return this.current;
  }

  /**
   * Sets the clock to `ms` milliseconds since the epoch.
   *
   * @example
   * clock.set(Date.parse('2030-01-01T00:00:00Z'));
   */
  set(ms: number): void {
    assertFiniteMs('set', ms);
    this.current = ms;
  }
}

/**
 * Makes Rampart of the module under test run on `clock` (it overrides the `SecurityClock`
 * provider) and returns the builder, so it chains and fits a `configure(builder)` callback.
 *
 * @example
 * const clock = new TestClock();
 * const builder = useTestClock(Test.createTestingModule({ imports: [AppModule] }), clock);
 * const moduleRef = await builder.compile();
 */
export function useTestClock(
  builder: TestingModuleBuilder,
  clock: TestClock,
): TestingModuleBuilder {
  if (!(clock instanceof TestClock)) {
    throw new TypeError('useTestClock takes a TestClock (new TestClock())');
  }
  return builder.overrideProvider(SecurityClock).useValue(clock);
}
