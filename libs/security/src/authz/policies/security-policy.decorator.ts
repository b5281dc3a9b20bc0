import type { Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { assertPolicyName } from './policy-name';

/** Class metadata behind {@link SecurityPolicy}: the policy's name. */
export const SecurityPolicyMetadata = Reflector.createDecorator<string>();

/**
 * Marks an injectable provider as the authorization policy `name`, which `@Policies(name)`
 * routes require. Register the class in the `providers` of any module: Rampart finds every
 * `@SecurityPolicy` provider at start-up, with its dependencies injected as usual (request-scoped
 * policies are resolved per request). Two providers claiming one name, or a class without a
 * `handle` method, stop start-up.
 *
 * @example
 * @SecurityPolicy('notes.owner')
 * @Injectable()
 * export class NotesOwnerPolicy implements PolicyHandler {
 *   constructor(private readonly notes: NotesService) {}
 *   handle({ principal, params }: PolicyContext): boolean {
 *     return this.notes.ownerOf(params.id ?? '') === principal.id;
 *   }
 * }
 */
export function SecurityPolicy(name: string): ClassDecorator {
  return (target) => {
    assertPolicyName(name, `@SecurityPolicy() on ${(target as unknown as Type).name}`);
    SecurityPolicyMetadata(name)(target);
  };
}
