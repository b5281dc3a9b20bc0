import { Inject, Injectable, Logger } from '@nestjs/common';
import { SecurityClock } from '../core/security-clock';
import type { SecurityEvent, TimedSecurityEvent } from './security-event';

/** A listener of security events; its errors are logged, never thrown back into the request. */
export type SecurityEventListener = (event: TimedSecurityEvent) => void;

/**
 * The security event bus: Rampart emits, the application subscribes (ship events to a SIEM, alert
 * on refresh-token reuse). Every event is also logged, at `warn` for the suspicious ones.
 *
 * @example
 * constructor(events: SecurityEvents) {
 *   events.subscribe((event) => { if (event.type === 'refresh_token.reused') alert(event.userId); });
 * }
 */
@Injectable()
export class SecurityEvents {
  private readonly logger = new Logger('SecurityEvents');
  private readonly listeners = new Set<SecurityEventListener>();

  constructor(@Inject(SecurityClock) private readonly clock: SecurityClock) {}

  /** Calls `listener` for every event from now on; the returned function unsubscribes. */
  subscribe(listener: SecurityEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Logs the event and hands it to every listener. */
  emit(event: SecurityEvent): void {
    const timed: TimedSecurityEvent = { ...event, at: this.clock.now() };
    const line = `security event ${JSON.stringify(timed)}`;
    if (event.type === 'refresh_token.reused') this.logger.warn(line);
    else this.logger.log(line);
    for (const listener of this.listeners) {
      try {
        listener(timed);
      } catch (error: unknown) {
        this.logger.error(
          `A security event listener failed (${error instanceof Error ? error.name : typeof error})`,
        );
      }
    }
  }
}
