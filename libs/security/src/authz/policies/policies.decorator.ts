import { Reflector } from '@nestjs/core';
import { describe } from '../../core/option-readers';
import { assertPolicyName } from './policy-name';

/** Route metadata behind {@link Policies}: the policy names, every one of which must allow. */
export const PoliciesMetadata = Reflector.createDecorator<readonly string[]>();

/**
 * Requires every named policy to allow the request (AND, asked in the given order, stopping at
 * the first that denies), after the route's `@Roles()` check. The route needs an authenticated
 * principal (anonymous -> 401); a name that no `@SecurityPolicy` provider registers, or a
 * combination with `@Public()`, stops start-up. A method's `@Policies()` replaces its
 * controller's.
 *
 * @example
 * @Policies('notes.owner')
 * @Patch(':id')
 * update(@Param('id') id: string) {}
 */
export function Policies(...names: [string, ...string[]]): MethodDecorator & ClassDecorator {
  const where = `@Policies(${(names as unknown[])
    .map((name) => (typeof name === 'string' ? JSON.stringify(name) : describe(name)))
    .join(', ')})`;
  if ((names as unknown[]).length === 0) assertPolicyName(undefined, where);
  for (const name of names as unknown[]) assertPolicyName(name, where);
  return PoliciesMetadata(Object.freeze([...names]));
}
