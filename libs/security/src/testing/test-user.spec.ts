import { toSecurityUser, type TestUser } from './test-user';

describe('toSecurityUser', () => {
  it('fills the username with the id and freezes the result', () => {
    const user = toSecurityUser({ id: 'u-1', roles: ['user'] });
    expect(user).toEqual({ id: 'u-1', username: 'u-1', roles: ['user'] });
    expect(Object.isFrozen(user)).toBe(true);
    expect(Object.isFrozen(user.roles)).toBe(true);
  });

  it('keeps a given username and copies the roles', () => {
    const roles = ['admin'];
    const user = toSecurityUser({ id: 'u-1', username: 'ada', roles });
    roles.push('root');
    expect(user).toEqual({ id: 'u-1', username: 'ada', roles: ['admin'] });
  });

  it.each([null, undefined, 'u-1', 42, []])('refuses %p as a user', (value) => {
    expect(() => toSecurityUser(value as unknown as TestUser)).toThrow(/must be an object/);
  });

  it.each([undefined, '', 42, null, [], {}, -0, NaN])('refuses %p as the id', (id) => {
    expect(() => toSecurityUser({ id, roles: [] } as unknown as TestUser)).toThrow(/`id`/);
  });

  it.each(['', 42, null, [], {}])('refuses %p as the username', (username) => {
    expect(() => toSecurityUser({ id: 'u-1', username, roles: [] } as unknown as TestUser)).toThrow(
      /`username`/,
    );
  });

  it.each([undefined, null, 'admin', {}, [''], [1], [null], [['admin']]])(
    'refuses %p as the roles',
    (roles) => {
      expect(() => toSecurityUser({ id: 'u-1', roles } as unknown as TestUser)).toThrow(/`roles`/);
    },
  );
});
