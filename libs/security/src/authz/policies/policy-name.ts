import { describe } from '../../core/option-readers';
import { SecurityConfigurationError } from '../../errors/security-configuration.error';

/** Fails unless `name` is a policy name: a non-empty string without surrounding spaces. */
export function assertPolicyName(name: unknown, where: string): asserts name is string {
  if (typeof name !== 'string' || name === '' || name.trim() !== name) {
    throw new SecurityConfigurationError(
      where,
      `needs policy names that are non-empty strings without surrounding spaces, got ${typeof name === 'string' ? JSON.stringify(name) : describe(name)}`,
      "name the policy, e.g. 'notes.owner'",
    );
  }
}
