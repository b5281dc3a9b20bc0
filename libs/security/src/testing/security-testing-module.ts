import type { ModuleMetadata } from '@nestjs/common';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import { useTestClock, type TestClock } from './test-clock';

/** Options of {@link createSecurityTestingModule}. */
export interface SecurityTestingModuleOptions {
  /** Runs Rampart on this clock (see {@link useTestClock}). @default the real clock */
  readonly clock?: TestClock;
}

/**
 * `Test.createTestingModule(metadata)` for a module that imports `SecurityModule`, with Rampart's
 * guards, filter and stores left as they are (nothing is overridden to let requests through) and,
 * optionally, a {@link TestClock}. Chain further overrides on the returned builder. Helpers for
 * session cookies and CSRF arrive with sessions, and for rate limits with throttling.
 *
 * @example
 * const clock = new TestClock();
 * const builder = createSecurityTestingModule({ imports: [AppModule] }, { clock });
 * const app = await createSecurityTestingApp(builder);
 */
export function createSecurityTestingModule(
  metadata: ModuleMetadata,
  options: SecurityTestingModuleOptions = {},
): TestingModuleBuilder {
  const builder = Test.createTestingModule(metadata);
  return options.clock === undefined ? builder : useTestClock(builder, options.clock);
}
