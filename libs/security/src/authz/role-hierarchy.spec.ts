import { RoleHierarchy } from './role-hierarchy';

describe('RoleHierarchy', () => {
  it('defaults to admin implies user', () => {
    const roles = RoleHierarchy.fromOptions(undefined);
    expect(roles.grants(['admin'], 'user')).toBe(true);
    expect(roles.grants(['user'], 'admin')).toBe(false);
    expect(roles.declared).toEqual(['admin', 'user']);
  });

  it('is transitive', () => {
    const roles = RoleHierarchy.fromOptions({
      hierarchy: { owner: ['admin'], admin: ['user'], user: [], auditor: [] },
    });
    expect(roles.grants(['owner'], 'user')).toBe(true);
    expect(roles.grants(['auditor'], 'user')).toBe(false);
    expect(roles.grants([], 'user')).toBe(false);
  });

  it('grants nothing for an undeclared held role', () => {
    expect(RoleHierarchy.fromOptions(undefined).grants(['root'], 'user')).toBe(false);
  });

  it.each<[string, unknown, RegExp]>([
    ['a cycle', { hierarchy: { a: ['b'], b: ['c'], c: ['a'] } }, /cycle: a -> b -> c -> a/],
    ['a self cycle', { hierarchy: { a: ['a'] } }, /cycle/],
    [
      'an undeclared implied role',
      { hierarchy: { admin: ['user'] } },
      /"user", which is not declared/,
    ],
    ['an empty hierarchy', { hierarchy: {} }, /at least one role/],
    [
      'a non-array value',
      { hierarchy: { admin: 'user' } },
      /"roles\.hierarchy\.admin" must be an array/,
    ],
    ['a non-string role', { hierarchy: { admin: [1] } }, /"roles\.hierarchy\.admin\[0\]"/],
    ['an unknown key', { hierarchie: {} }, /did you mean `hierarchy`/],
  ])('refuses %s', (_name, options, message) => {
    expect(() => RoleHierarchy.fromOptions(options)).toThrow(message);
  });
});
