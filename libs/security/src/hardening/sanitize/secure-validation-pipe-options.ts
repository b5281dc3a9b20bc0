import type { ValidationPipeOptions } from '@nestjs/common';
import { deepFreeze } from '../../core/option-readers';

/**
 * `ValidationPipe` options against mass assignment (OWASP ASVS V15.3), frozen. With DTO classes
 * (class-validator and class-transformer installed by the app):
 * - `whitelist` + `forbidNonWhitelisted`: a property without a validation decorator is refused
 *   with 400 (`"property roles should not exist"`), not silently copied onto an entity, so
 *   `{ "name": "x", "roles": ["admin"] }` cannot grant a role;
 * - `forbidUnknownValues`: a value that is not an instance of a known class (no DTO type, an
 *   array where an object is declared) fails instead of passing unchecked;
 * - `skipMissingProperties` / `skipNullProperties` / `skipUndefinedProperties` off: a missing
 *   required field fails;
 * - `transform` with `enableImplicitConversion: false`: the handler receives a DTO instance, and
 *   nothing is coerced by the TypeScript type alone (`"true"` does not become `true`, `["1"]`
 *   does not become `1`); declare conversions with `@Type(() => Number)`;
 * - `validationError: { target: false, value: false }`: validation errors never carry the
 *   submitted object or values, so a custom `exceptionFactory` or a log cannot echo a password;
 * - `maxErrorMessagesLength: 2000`: a deeply nested payload cannot amplify the error response;
 * - `enableDebugMessages: false`.
 *
 * Spread it to add your own options (`groups`, `exceptionFactory`, ...); keep the security ones.
 *
 * @example
 * // app.module.ts
 * providers: [{ provide: APP_PIPE, useFactory: () => new ValidationPipe(SECURE_VALIDATION_PIPE_OPTIONS) }]
 * // or, in main.ts
 * app.useGlobalPipes(new ValidationPipe({ ...SECURE_VALIDATION_PIPE_OPTIONS, stopAtFirstError: true }));
 */
export const SECURE_VALIDATION_PIPE_OPTIONS = deepFreeze({
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  skipMissingProperties: false,
  skipNullProperties: false,
  skipUndefinedProperties: false,
  transform: true,
  transformOptions: { enableImplicitConversion: false },
  validationError: { target: false, value: false },
  maxErrorMessagesLength: 2_000,
  enableDebugMessages: false,
} as const satisfies ValidationPipeOptions);
