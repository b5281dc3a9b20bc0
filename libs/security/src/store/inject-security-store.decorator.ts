import { Inject } from '@nestjs/common';
import { SecurityStore } from './security-store.interface';

/**
 * Injects the app's {@link SecurityStore} (memory or Redis, as configured in `SecurityModule`).
 *
 * @example
 * @Injectable()
 * export class AuditService {
 *   constructor(@InjectSecurityStore() private readonly store: SecurityStore) {}
 *
 *   async countFailures(userId: string): Promise<number> {
 *     return (await this.store.increment(`login-failures:${userId}`, 15 * 60_000)).count;
 *   }
 * }
 */
export const InjectSecurityStore = (): PropertyDecorator & ParameterDecorator =>
  Inject(SecurityStore);
