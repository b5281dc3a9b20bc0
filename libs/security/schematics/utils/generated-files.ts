import { join, normalize, type Path } from '@angular-devkit/core';
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
import { declareInModule, resolveModulePath, type ModuleDeclaration } from './declare-in-module';

/** The options every file-generating schematic of the collection takes (see their schema.json). */
export interface GeneratedFilesOptions {
  /** Folder to generate in, relative to the source root. */
  path?: string;
  /** Source root of the application. @default 'src' */
  sourceRoot?: string;
  /** Module to declare the class in. @default the nearest `*.module.ts` */
  module?: string;
  /** Do not declare the class in a module. @default false */
  skipImport?: boolean;
  /** Generate into the folder itself instead of a folder named after the name. @default false */
  flat?: boolean;
  /** Generate the spec. @default true */
  spec?: boolean;
  /** Suffix of the spec file. @default 'spec' */
  specFileSuffix?: string;
  /** Language of the application; only `ts` is supported. */
  language?: string;
}

/** {@link GeneratedFilesOptions} after {@link normalizeGeneratedFiles}. */
export interface NormalizedGeneratedFiles {
  /** `/<sourceRoot>`. */
  readonly sourceRoot: Path;
  /** `/<sourceRoot>/<path>`: where the files go, or the folder named after them goes. */
  readonly base: Path;
  readonly module: Path | undefined;
  readonly skipImport: boolean;
  readonly spec: boolean;
  readonly specFileSuffix: string;
}

/**
 * Checks the language and resolves the options every file-generating schematic shares; the
 * schematic named `schematic` checks its own name.
 *
 * @example
 * const files = normalizeGeneratedFiles('policy', options);
 */
export function normalizeGeneratedFiles(
  schematic: string,
  options: GeneratedFilesOptions,
): NormalizedGeneratedFiles {
  if (options.language !== undefined && options.language !== 'ts') {
    throw new SchematicsException(
      `@rampart/security ${schematic} supports TypeScript applications only, got language "${options.language}".`,
    );
  }
  const sourceRoot = normalize(`/${options.sourceRoot ?? 'src'}`);
  return {
    sourceRoot,
    base: options.path === undefined ? sourceRoot : join(sourceRoot, options.path),
    module: resolveModulePath(sourceRoot, options.module),
    skipImport: options.skipImport === true,
    spec: options.spec !== false,
    specFileSuffix: options.specFileSuffix ?? 'spec',
  };
}

/** What {@link generateFiles} writes, and the class it declares. */
export interface GeneratedFiles {
  readonly files: NormalizedGeneratedFiles;
  /** The folder the schematic's `./files` templates are moved to. */
  readonly directory: Path;
  /** The templates' variables (`specFileSuffix` is added). */
  readonly variables: Readonly<Record<string, unknown>>;
  /** The class to declare in the module, unless `skipImport`. */
  readonly declaration: Omit<ModuleDeclaration, 'module'>;
}

/**
 * The rule of a file-generating schematic: its `./files` templates rendered into `directory`
 * (the spec left out when `spec` is false), then the class declared in the module.
 *
 * @example
 * return generateFiles({ files, directory, variables: { className }, declaration });
 */
export function generateFiles({ files, directory, variables, declaration }: GeneratedFiles): Rule {
  return chain([
    mergeWith(
      apply(url('./files'), [
        files.spec ? noop() : filter((path) => !path.endsWith('.__specFileSuffix__.ts.template')),
        applyTemplates({ ...variables, specFileSuffix: files.specFileSuffix }),
        move(directory),
      ]),
    ),
    files.skipImport ? noop() : declareInModule({ ...declaration, module: files.module }),
  ]);
}
