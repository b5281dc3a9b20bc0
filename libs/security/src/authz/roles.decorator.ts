import { applyDecorators } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

/** Route metadata behind {@link Roles}: the role names, any one of which grants access. */
export const RolesMetadata = Reflector.createDecorator<readonly string[]>();

/**
 * Requires the principal to hold at least one of the given roles, directly or through the role
 * hierarchy (`admin` implies `user` by default). A role that is not declared in
 * `roles.hierarchy` stops start-up. A method's `@Roles()` replaces its controller's.
 *
 * @example
 * @Roles('admin')
 * @Get('admin')
 * adminOnly() {}
 */
export function Roles(...roles: [string, ...string[]]): MethodDecorator & ClassDecorator {
  return applyDecorators(RolesMetadata(Object.freeze([...roles])));
}
