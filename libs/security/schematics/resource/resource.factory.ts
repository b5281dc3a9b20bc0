import { join, normalize, strings, type Path } from '@angular-devkit/core';
import {
  apply,
  applyTemplates,
  chain,
  filter,
  mergeWith,
  move,
  noop,
  SchematicsException,
  url,
  type Rule,
} from '@angular-devkit/schematics';
import { NameParser } from '@nestjs/schematics';
import { declareInModule, resolveModulePath } from '../utils/declare-in-module';
import type { ResourceOptions } from './resource.schema';

/** {@link ResourceOptions} after {@link transform}. */
export interface NormalizedResourceOptions {
  /** The last segment of the name, e.g. `reports` for `admin/reports`. */
  readonly name: string;
  /** Folder the files go to, e.g. `/src/admin/reports`. */
  readonly directory: Path;
  readonly module: Path | undefined;
  readonly skipImport: boolean;
  readonly spec: boolean;
  readonly specFileSuffix: string;
}

/** Normalises and checks the options. */
export function transform(options: ResourceOptions): NormalizedResourceOptions {
  if (options.language !== undefined && options.language !== 'ts') {
    throw new SchematicsException(
      `@rampart/security resource supports TypeScript applications only, got language "${options.language}".`,
    );
  }
  if (typeof options.name !== 'string' || options.name.trim() === '') {
    throw new SchematicsException(
      'The resource needs a name, e.g. nest g -c @rampart/security resource notes',
    );
  }
  const sourceRoot = normalize(`/${options.sourceRoot ?? 'src'}`);
  const base = options.path === undefined ? sourceRoot : join(sourceRoot, options.path);
  const location = new NameParser().parse({ name: options.name, path: base });
  const name = strings.dasherize(location.name);
  if (!/^[a-z][a-z0-9-]*$/.test(name)) {
    throw new SchematicsException(
      `"${location.name}" is not a usable resource name: use letters, digits and dashes, starting with a letter.`,
    );
  }
  return {
    name,
    directory: options.flat === true ? location.path : join(location.path, name),
    module: resolveModulePath(sourceRoot, options.module),
    skipImport: options.skipImport === true,
    spec: options.spec !== false,
    specFileSuffix: options.specFileSuffix ?? 'spec',
  };
}

/**
 * `nest g -c @rampart/security resource <name>`: a controller with a public route, an
 * authenticated one and role-guarded ones, its spec on `@rampart/security/testing`, and the
 * controller declared in the nearest module.
 *
 * @example
 * nest g -c @rampart/security resource notes
 */
export function main(options: ResourceOptions): Rule {
  const normalized = transform(options);
  return chain([
    mergeWith(
      apply(url('./files'), [
        normalized.spec
          ? noop()
          : filter((path) => !path.endsWith(`.__specFileSuffix__.ts.template`)),
        applyTemplates({
          ...strings,
          name: normalized.name,
          specFileSuffix: normalized.specFileSuffix,
        }),
        move(normalized.directory),
      ]),
    ),
    normalized.skipImport
      ? noop()
      : declareInModule({
          metadata: 'controllers',
          symbol: `${strings.classify(normalized.name)}Controller`,
          file: join(normalized.directory, `${normalized.name}.controller`),
          module: normalized.module,
        }),
  ]);
}
