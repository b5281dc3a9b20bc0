import { join } from 'node:path';
import { virtualFs } from '@angular-devkit/core';
import { HostTree } from '@angular-devkit/schematics';
import * as estree from 'prettier/plugins/estree';
import * as typescript from 'prettier/plugins/typescript';
import { format } from 'prettier/standalone';
import { SchematicTestRunner, type UnitTestTree } from '@angular-devkit/schematics/testing';

// The test runner loads the package-install task, whose spinner (ora) ships ES modules only; the
// schematics under test never install packages.
jest.mock('ora', () => ({ __esModule: true, default: () => ({}) }));

/** The collection under test, from source. */
export const COLLECTION_PATH = join(__dirname, '..', 'collection.json');

/** The root module of a freshly generated Nest application. */
export const NEW_APP_MODULE = `import { Module } from '@nestjs/common';
import { AppController } from './app.controller';
import { AppService } from './app.service';

@Module({
  imports: [],
  controllers: [AppController],
  providers: [AppService],
})
export class AppModule {}
`;

/** The `package.json` of {@link applicationTree}: `my-app`, with `dependencies` added. */
export function applicationPackageJson(
  dependencies: Readonly<Record<string, string>> = {},
): string {
  const pkg = {
    name: 'my-app',
    version: '0.0.1',
    dependencies: { '@nestjs/common': '^12.0.0', ...dependencies },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

/** A Nest application as `nest new` leaves it, reduced to what the schematics read. */
export function applicationTree(
  files: Readonly<Record<string, string>> = {},
  dependencies: Readonly<Record<string, string>> = {},
): HostTree {
  const tree = new HostTree();
  tree.create('/package.json', applicationPackageJson(dependencies));
  tree.create('/src/app.module.ts', NEW_APP_MODULE);
  for (const [path, content] of Object.entries(files)) {
    if (tree.exists(path)) tree.overwrite(path, content);
    else tree.create(path, content);
  }
  return tree;
}

/** A tree over `files` as they are on disk: no recorded actions, so a run's actions are its own. */
export function treeFrom(files: Readonly<Record<string, string>>): HostTree {
  return new HostTree(new virtualFs.test.TestHost({ ...files }));
}

/** What a schematic run left: the tree and the messages it logged. */
export interface SchematicRun {
  readonly tree: UnitTestTree;
  readonly logs: readonly string[];
}

/** Runs `schematic` of the collection on `tree`, collecting its log messages. */
export async function runSchematic(
  schematic: string,
  options: object,
  tree: HostTree | UnitTestTree,
): Promise<SchematicRun> {
  const runner = new SchematicTestRunner('@rampart/security', COLLECTION_PATH);
  const logs: string[] = [];
  const subscription = runner.logger.subscribe((entry) => logs.push(entry.message));
  try {
    return { tree: await runner.runSchematic(schematic, options, tree), logs };
  } finally {
    subscription.unsubscribe();
  }
}

/** Every file of the tree with its content, sorted by path. */
export function contents(tree: UnitTestTree): Record<string, string> {
  return Object.fromEntries(
    [...tree.files].sort().map((path) => [path, tree.readContent(path)] as const),
  );
}

/**
 * `source` formatted with the `.prettierrc` of a new Nest application (single quotes, trailing
 * commas, 80 columns): generated code equal to this needs no reformatting in the app.
 */
export function formatLikeNest(source: string): Promise<string> {
  return format(source, {
    parser: 'typescript',
    plugins: [estree, typescript],
    singleQuote: true,
    trailingComma: 'all',
  });
}
