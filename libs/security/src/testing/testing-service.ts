import type { INestApplicationContext, Type } from '@nestjs/common';
import type { ResolvedSecurityOptions } from '../core/resolved-security-options.interface';
import { RESOLVED_SECURITY_OPTIONS } from '../core/security.tokens';
import { SecurityConfigurationError } from '../errors/security-configuration.error';

function lookUp<T>(app: INestApplicationContext, token: Type<T> | symbol, name: string): T {
  try {
    return app.get<T>(token);
  } catch {
    throw new Error(
      `@rampart/security/testing: ${name} is not in this application; import SecurityModule.forRoot(...) in the module under test`,
    );
  }
}

/**
 * A Rampart service of the app under test, for the testing kit. Refuses an app configured for
 * production: the kit mints tokens for any user, which must never be reachable there.
 */
export function testingService<T>(app: INestApplicationContext, type: Type<T>): T {
  const options = lookUp<ResolvedSecurityOptions>(app, RESOLVED_SECURITY_OPTIONS, 'SecurityModule');
  if (options.environment === 'production') {
    throw new SecurityConfigurationError(
      'environment',
      "is 'production', where @rampart/security/testing refuses to run (it mints tokens for any user)",
      "run tests with environment: 'test' (NODE_ENV=test)",
    );
  }
  return lookUp(app, type, type.name);
}
