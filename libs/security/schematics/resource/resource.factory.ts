import { join, strings, type Path } from '@angular-devkit/core';
import { SchematicsException, type Rule } from '@angular-devkit/schematics';
import { NameParser } from '@nestjs/schematics';
import {
  generateFiles,
  normalizeGeneratedFiles,
  type NormalizedGeneratedFiles,
} from '../utils/generated-files';
import type { ResourceOptions } from './resource.schema';

/** {@link ResourceOptions} after {@link transform}. */
export interface NormalizedResourceOptions {
  /** The last segment of the name, e.g. `reports` for `admin/reports`. */
  readonly name: string;
  /** Folder the files go to, e.g. `/src/admin/reports`. */
  readonly directory: Path;
  readonly files: NormalizedGeneratedFiles;
}

/** Normalises and checks the options. */
export function transform(options: ResourceOptions): NormalizedResourceOptions {
  const files = normalizeGeneratedFiles('resource', options);
  if (typeof options.name !== 'string' || options.name.trim() === '') {
    throw new SchematicsException(
      'The resource needs a name, e.g. nest g -c @rampart/security resource notes',
    );
  }
  const location = new NameParser().parse({ name: options.name, path: files.base });
  const name = strings.dasherize(location.name);
  if (!/^[a-z][a-z0-9-]*$/.test(name)) {
    throw new SchematicsException(
      `"${location.name}" is not a usable resource name: use letters, digits and dashes, starting with a letter.`,
    );
  }
  return {
    name,
    directory: options.flat === true ? location.path : join(location.path, name),
    files,
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
  const { name, directory, files } = transform(options);
  return generateFiles({
    files,
    directory,
    variables: { ...strings, name },
    declaration: {
      metadata: 'controllers',
      symbol: `${strings.classify(name)}Controller`,
      file: join(directory, `${name}.controller`),
    },
  });
}
