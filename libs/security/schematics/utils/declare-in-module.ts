import { join, normalize, type Path } from '@angular-devkit/core';
import { SchematicsException, type Rule, type Tree } from '@angular-devkit/schematics';
import { ModuleDeclarator, ModuleFinder } from '@nestjs/schematics';

/** What {@link declareInModule} adds where. */
export interface ModuleDeclaration {
  /** `controllers` or `providers`. */
  readonly metadata: 'controllers' | 'providers';
  /** The class name, e.g. `NotesController`. */
  readonly symbol: string;
  /** The file that declares it, without `.ts`, e.g. `/src/notes/notes.controller`. */
  readonly file: Path;
  /** The module: an explicit path, or `undefined` for the nearest `*.module.ts` above `file`. */
  readonly module: Path | undefined;
}

/**
 * Adds the class to the module's `controllers` or `providers` and imports it, with the Nest
 * schematics' own module finder and declarator. A module that already declares it is left alone.
 *
 * @example
 * declareInModule({ metadata: 'controllers', symbol: 'NotesController', file: normalize('/src/notes/notes.controller'), module: undefined });
 */
export function declareInModule(declaration: ModuleDeclaration): Rule {
  return (tree: Tree) => {
    const folder = normalize(declaration.file.slice(0, declaration.file.lastIndexOf('/')));
    const module = declaration.module ?? new ModuleFinder(tree).find({ path: folder });
    if (module === null || !tree.exists(module)) {
      throw new SchematicsException(
        `No module found for ${declaration.symbol} (looked from ${folder} upwards). Fix: pass --module=<path>, or --skip-import and declare it yourself.`,
      );
    }
    const content = tree.readText(module);
    if (new RegExp(`\\b${declaration.symbol}\\b`).test(content)) return tree;
    const name = declaration.file.slice(declaration.file.lastIndexOf('/') + 1);
    const declared = new ModuleDeclarator().declare(content, {
      metadata: declaration.metadata,
      name,
      className: declaration.symbol,
      path: folder,
      module,
    });
    tree.overwrite(module, declared);
    return tree;
  };
}

/** `/<sourceRoot>/<path>` with the optional `module` option resolved against the source root. */
export function resolveModulePath(sourceRoot: Path, module: string | undefined): Path | undefined {
  if (module === undefined) return undefined;
  const path = join(sourceRoot, module);
  return path.endsWith('.ts') ? path : normalize(`${path}.module.ts`);
}
