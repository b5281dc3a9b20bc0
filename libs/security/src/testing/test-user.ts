import type { SecurityUser } from '../authn/user-provider.interface';

/**
 * The user a test token is minted for. `username` defaults to `id`.
 *
 * @example
 * const alice: TestUser = { id: 'u-alice', roles: ['user'] };
 */
export interface TestUser {
  /** The token's `sub`: `principal.id`. */
  readonly id: string;
  /** `preferred_username`: `principal.username`. @default the id */
  readonly username?: string;
  /** `principal.roles`, as granted (the role hierarchy applies when checking). */
  readonly roles: readonly string[];
}

const isNonEmptyString = (value: unknown): value is string =>
  typeof value === 'string' && value.length > 0;

/** Checks a {@link TestUser} at run time (JavaScript callers skip the types) and fills `username`. */
export function toSecurityUser(user: TestUser): SecurityUser {
  const candidate: unknown = user;
  if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate)) {
    throw new TypeError('The test user must be an object { id, username?, roles }');
  }
  const { id, username, roles } = candidate as Partial<Record<keyof TestUser, unknown>>;
  if (!isNonEmptyString(id)) throw new TypeError('The test user needs an `id` (non-empty string)');
  if (username !== undefined && !isNonEmptyString(username)) {
    throw new TypeError('The test user `username`, when given, must be a non-empty string');
  }
  if (!Array.isArray(roles) || !roles.every(isNonEmptyString)) {
    throw new TypeError('The test user needs `roles`: an array of non-empty strings ([] for none)');
  }
  return Object.freeze({ id, username: username ?? id, roles: Object.freeze([...roles]) });
}
