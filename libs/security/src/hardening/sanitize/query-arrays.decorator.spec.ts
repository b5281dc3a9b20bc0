import { Controller, Get, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { routeMetadata } from '../../core/route-metadata';
import { SecurityConfigurationError } from '../../errors/security-configuration.error';
import { QueryArrays, QueryArraysMetadata } from './query-arrays.decorator';

@QueryArrays('id', 'tag', 'id')
@Controller()
class ListsController {
  @Get('a')
  inherits(): void {}

  @QueryArrays('status')
  @Get('b')
  overrides(): void {}
}

describe('@QueryArrays()', () => {
  const reflector = new Reflector();
  const lists = (name: 'inherits' | 'overrides'): readonly string[] | undefined =>
    routeMetadata(reflector, QueryArraysMetadata, {
      getHandler: () => ListsController.prototype[name],
      getClass: () => ListsController,
    } as unknown as ExecutionContext);

  it("puts the names, without duplicates, on the route; a method's replaces its class's", () => {
    expect(lists('inherits')).toEqual(['id', 'tag']);
    expect(lists('overrides')).toEqual(['status']);
    expect(Object.isFrozen(lists('inherits'))).toBe(true);
  });

  it.each([
    [[], '@QueryArrays()', 'names no query parameter'],
    [[''], '@QueryArrays()[0]', 'must be a non-empty query parameter name'],
    [['tag', 1], '@QueryArrays()[1]', 'must be a non-empty query parameter name'],
    [['tag', null], '@QueryArrays()[1]', 'must be a non-empty query parameter name'],
    [[['tag']], '@QueryArrays()[0]', 'must be a non-empty query parameter name'],
    [['tag[]'], '@QueryArrays()[0]', `name it without "[]" (@QueryArrays('tag'))`],
  ])('refuses %j when the class is defined', (names, option, message) => {
    let error: unknown;
    try {
      QueryArrays(...(names as string[]));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SecurityConfigurationError);
    expect((error as SecurityConfigurationError).option).toBe(option);
    expect((error as SecurityConfigurationError).message).toContain(message);
  });
});
