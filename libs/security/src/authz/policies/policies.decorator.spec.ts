import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { routeMetadata } from '../../core/route-metadata';
import { SecurityConfigurationError } from '../../errors/security-configuration.error';
import { Policies, PoliciesMetadata } from './policies.decorator';

describe('@Policies()', () => {
  @Policies('class.policy')
  class Controller {
    @Policies('method.a', 'method.b')
    overridden(): void {}

    inherited(): void {}
  }
  const reflector = new Reflector();
  const route = (name: 'overridden' | 'inherited') =>
    new ExecutionContextHost([], Controller, Controller.prototype[name]);

  it('stores the names in order, frozen', () => {
    const names = routeMetadata(reflector, PoliciesMetadata, route('overridden'));
    expect(names).toEqual(['method.a', 'method.b']);
    expect(Object.isFrozen(names)).toBe(true);
  });

  it("lets a method's names replace its controller's, like @Roles()", () => {
    expect(routeMetadata(reflector, PoliciesMetadata, route('inherited'))).toEqual([
      'class.policy',
    ]);
  });

  it.each<[string, unknown[]]>([
    ['no name', []],
    ['an empty name', ['']],
    ['a name with surrounding spaces', [' notes.owner']],
    ['undefined', [undefined]],
    ['null', [null]],
    ['a number', [1]],
    ['a bigint', [1n]],
    ['an array', [['notes.owner']]],
    ['a valid name followed by an empty one', ['notes.owner', '']],
  ])('refuses %s', (_name, names) => {
    const decorate = () => (Policies as (...args: unknown[]) => unknown)(...names);
    expect(decorate).toThrow(SecurityConfigurationError);
    expect(decorate).toThrow(/@Policies\(.*\)" needs policy names that are non-empty strings/);
  });
});
