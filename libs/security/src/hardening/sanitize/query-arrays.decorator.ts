import { Reflector } from '@nestjs/core';
import { SecurityConfigurationError } from '../../errors/security-configuration.error';

/**
 * Route metadata behind {@link QueryArrays}: the names of the query parameters that are lists.
 *
 * @example
 * const lists = reflector.getAllAndOverride(QueryArraysMetadata, [handler, controller]);
 */
export const QueryArraysMetadata = Reflector.createDecorator<readonly string[]>({
  key: 'rampart:query-arrays',
});

const DECORATOR = '@QueryArrays()';

/**
 * Declares query parameters that are legitimately lists on a route or a controller: each named
 * parameter is **always** a `string[]` in `@Query()` (`?tag=a` gives `['a']`, `?tag=a&tag=b`
 * gives `['a', 'b']`, absent stays absent), whatever `input.repeatedQueryParameters` says, so a
 * handler never meets "a string or an array". The bracket spelling many clients use
 * (`?tag[]=a&tag[]=b`, axios' default) is collected under the same name, in order of appearance.
 *
 * A method's `@QueryArrays()` replaces its controller's (they are not merged). Names are checked
 * when the class is defined: an empty name, or one ending in `[]`, stops the application.
 *
 * @example
 * @QueryArrays('tag')
 * @Get('articles')
 * list(@Query('tag') tags: string[] | undefined) {}
 */
export function QueryArrays(...names: string[]): MethodDecorator & ClassDecorator {
  if (names.length === 0) {
    throw new SecurityConfigurationError(
      DECORATOR,
      'names no query parameter',
      "name the parameters that are lists, e.g. @QueryArrays('tag')",
    );
  }
  names.forEach((name: unknown, index) => {
    if (typeof name !== 'string' || name === '') {
      throw new SecurityConfigurationError(
        `${DECORATOR}[${index}]`,
        'must be a non-empty query parameter name',
        "pass the parameter's name as a string, e.g. @QueryArrays('tag')",
      );
    }
    if (name.endsWith('[]')) {
      throw new SecurityConfigurationError(
        `${DECORATOR}[${index}]`,
        `names "${name}" with brackets`,
        `name it without "[]" (@QueryArrays('${name.slice(0, -2)}')): both spellings are collected under that name`,
      );
    }
  });
  return QueryArraysMetadata(Object.freeze([...new Set(names)]));
}
