import { assertKnownKeys, isPlainObject, readObject, readString } from '../core/option-readers';
import { SecurityConfigurationError } from '../errors/security-configuration.error';

/** The default hierarchy: an admin is also a user. */
export const DEFAULT_ROLE_HIERARCHY: Readonly<Record<string, readonly string[]>> = {
  admin: ['user'],
  user: [],
};

/**
 * Declared roles and, for each, every role it grants (itself included), computed once at start-up
 * so that a check is a set lookup.
 *
 * @example
 * const roles = RoleHierarchy.fromOptions({ hierarchy: { admin: ['user'], user: [] } });
 * roles.grants(['admin'], 'user'); // true
 */
export class RoleHierarchy {
  private constructor(private readonly closure: ReadonlyMap<string, ReadonlySet<string>>) {
    Object.freeze(this);
  }

  /** Validates `roles` options: plain object, known keys, string role names, no cycles. */
  static fromOptions(raw: unknown): RoleHierarchy {
    const options = readObject(raw ?? {}, 'roles');
    assertKnownKeys(options, ['hierarchy'], 'roles');
    const hierarchy = options.hierarchy ?? DEFAULT_ROLE_HIERARCHY;
    if (!isPlainObject(hierarchy) || Object.keys(hierarchy).length === 0) {
      throw new SecurityConfigurationError(
        'roles.hierarchy',
        'must be an object with at least one role',
        'map each role to the roles it implies, e.g. { admin: ["user"], user: [] }',
      );
    }
    const edges = new Map<string, readonly string[]>();
    for (const [role, implied] of Object.entries(hierarchy)) {
      const path = `roles.hierarchy.${role}`;
      readString(role, path);
      if (!Array.isArray(implied)) {
        throw new SecurityConfigurationError(
          path,
          'must be an array of role names',
          `list the roles "${role}" implies, or [] for none`,
        );
      }
      edges.set(
        role,
        implied.map((name, index) => readString(name, `${path}[${index}]`)),
      );
    }
    for (const [role, implied] of edges) {
      for (const name of implied) {
        if (!edges.has(name)) {
          throw new SecurityConfigurationError(
            `roles.hierarchy.${role}`,
            `implies "${name}", which is not declared`,
            `add "${name}" as a key of roles.hierarchy`,
          );
        }
      }
    }
    const closure = new Map<string, ReadonlySet<string>>();
    const visit = (role: string, trail: readonly string[]): Set<string> => {
      if (trail.includes(role)) {
        throw new SecurityConfigurationError(
          'roles.hierarchy',
          `has a cycle: ${[...trail, role].join(' -> ')}`,
          'remove one of the implications so that no role implies itself',
        );
      }
      const granted = new Set<string>([role]);
      for (const name of edges.get(role) ?? []) {
        for (const inner of visit(name, [...trail, role])) granted.add(inner);
      }
      return granted;
    };
    for (const role of edges.keys()) closure.set(role, visit(role, []));
    return new RoleHierarchy(closure);
  }

  /** Every declared role name. */
  get declared(): readonly string[] {
    return [...this.closure.keys()];
  }

  /** Whether `role` is declared. */
  has(role: string): boolean {
    return this.closure.has(role);
  }

  /** Whether a principal holding `held` has `required` directly or through the hierarchy. */
  grants(held: readonly string[], required: string): boolean {
    return held.some((role) => this.closure.get(role)?.has(required) === true);
  }

  /** A plain, serialisable view: each role and every role it grants, sorted. */
  toJSON(): Record<string, string[]> {
    return Object.fromEntries(
      [...this.closure].map(([role, granted]) => [role, [...granted].sort()]),
    );
  }
}
