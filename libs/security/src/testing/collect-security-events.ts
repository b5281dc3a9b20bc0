import type { INestApplicationContext } from '@nestjs/common';
import type { SecurityEvent, TimedSecurityEvent } from '../audit/security-event';
import { SecurityEvents } from '../audit/security-events';
import { testingService } from './testing-service';

/** The security events an app emitted since {@link collectSecurityEvents} was called. */
export interface SecurityEventCollector {
  /** Every event so far, oldest first (a live view: it grows until `stop()`). */
  readonly events: readonly TimedSecurityEvent[];
  /**
   * The events of one type, typed by it.
   *
   * @example
   * expect(collector.ofType('refresh_token.reused')[0]?.userId).toBe('u-alice');
   */
  ofType<T extends SecurityEvent['type']>(type: T): Extract<TimedSecurityEvent, { type: T }>[];
  /** Unsubscribes; the events collected so far stay. */
  stop(): void;
}

/**
 * Subscribes to the app's `SecurityEvents` and keeps every event, to assert on the audit trail
 * (refresh-token reuse, revocations). Call `stop()` when done.
 *
 * @example
 * const audit = collectSecurityEvents(app);
 * await refresh(pair.refresh_token); // once
 * await refresh(pair.refresh_token); // reuse
 * audit.stop();
 * expect(audit.ofType('refresh_token.reused')).toHaveLength(1);
 */
export function collectSecurityEvents(app: INestApplicationContext): SecurityEventCollector {
  const events: TimedSecurityEvent[] = [];
  const unsubscribe = testingService(app, SecurityEvents).subscribe((event) => {
    events.push(event);
  });
  return {
    events,
    ofType: <T extends SecurityEvent['type']>(type: T) =>
      events.filter(
        (event): event is Extract<TimedSecurityEvent, { type: T }> => event.type === type,
      ),
    stop: unsubscribe,
  };
}
