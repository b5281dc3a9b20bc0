import { Inject } from '@nestjs/common';
import { ThrottleCounter } from './throttle-counter.interface';

/**
 * Injects the app's {@link ThrottleCounter} (memory or Redis, as configured).
 *
 * @example
 * @Injectable()
 * export class LoginThrottle {
 *   constructor(@InjectThrottleCounter() private readonly counter: ThrottleCounter) {}
 *
 *   async check(username: string): Promise<boolean> {
 *     const rule = { algorithm: 'fixed-window', limit: 5, windowMs: 15 * 60_000 } as const;
 *     return (await this.counter.hit(`login:${username}`, rule)).allowed;
 *   }
 * }
 */
export const InjectThrottleCounter = (): PropertyDecorator & ParameterDecorator =>
  Inject(ThrottleCounter);
