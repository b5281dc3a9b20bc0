/**
 * The clock behind Rampart's own expiry decisions (refresh-token idle and absolute lifetimes,
 * revocation cut-offs). Tests replace it to move time without sleeping:
 *
 * @example
 * Test.createTestingModule({ imports: [AppModule] }).overrideProvider(SecurityClock).useValue({ now: () => fakeNow });
 */
export interface SecurityClock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** Injection token of the {@link SecurityClock}. */
export const SecurityClock = Symbol('SecurityClock');

/** The real clock. */
export const systemClock: SecurityClock = Object.freeze({ now: () => Date.now() });
