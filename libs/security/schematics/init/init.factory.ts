import { join, normalize, type Path } from '@angular-devkit/core';
import {
  apply,
  applyTemplates,
  chain,
  forEach,
  MergeStrategy,
  mergeWith,
  move,
  noop,
  SchematicsException,
  url,
  type Rule,
  type SchematicContext,
  type Tree,
} from '@angular-devkit/schematics';
import { PathSolver } from '@nestjs/schematics';
import { dependsOn, readApplicationPackage } from '../utils/package-json';
import { addNamedImports, addToModuleImports, importsName } from '../utils/source-edits';
import type { InitOptions } from './init.schema';

/** {@link InitOptions} after {@link transform}: defaults filled, paths resolved. */
export interface NormalizedInitOptions {
  /** `/src`: where `security/` is generated. */
  readonly sourceRoot: Path;
  /** `/src/app.module.ts`. */
  readonly rootModule: Path;
  readonly skipImport: boolean;
  /** `forRootAsync` with `ConfigService` (the app depends on `@nestjs/config`), else `forRoot`. */
  readonly useConfig: boolean;
  /** The app depends on `@nestjs/platform-express`: next steps mention `PrototypedExpressAdapter`. */
  readonly onExpress: boolean;
  /** The default `JWT_AUDIENCE`: the application's package name. */
  readonly audience: string;
}

/** First line of the block init appends to `.env.example`; its presence means "done". */
export const ENV_EXAMPLE_MARKER = '# Rampart (@rampart/security).';

const SECURITY_PACKAGE = '@rampart/security';

/** Normalises and checks the options against the application in `tree`. */
export function transform(options: InitOptions, tree: Tree): NormalizedInitOptions {
  if (options.language !== undefined && options.language !== 'ts') {
    throw new SchematicsException(
      `@rampart/security init supports TypeScript applications only, got language "${options.language}".`,
    );
  }
  const sourceRoot = normalize(`/${options.sourceRoot ?? 'src'}`);
  const pkg = readApplicationPackage(tree);
  const audience = (pkg.name ?? 'api').replace(/^@[^/]+\//, '');
  return {
    sourceRoot,
    rootModule: join(sourceRoot, options.module ?? 'app.module.ts'),
    skipImport: options.skipImport === true,
    useConfig: dependsOn(pkg, '@nestjs/config'),
    onExpress: dependsOn(pkg, '@nestjs/platform-express'),
    audience: /^[A-Za-z0-9._~-]+$/.test(audience) ? audience : 'api',
  };
}

/** Renders `files/source` into `<sourceRoot>/`, leaving files that already exist untouched. */
function generateSources(options: NormalizedInitOptions, tree: Tree): Rule {
  return mergeWith(
    apply(url('./files/source'), [
      applyTemplates({ audience: options.audience }),
      move(options.sourceRoot),
      forEach((entry) => (tree.exists(entry.path) ? null : entry)),
    ]),
  );
}

/** Writes `.env.example`, or appends Rampart's block to an existing one that lacks it. */
function generateEnvExample(options: NormalizedInitOptions, tree: Tree): Rule {
  return mergeWith(
    apply(url('./files/root'), [
      applyTemplates({ audience: options.audience }),
      move('/'),
      forEach((entry) => {
        if (!tree.exists(entry.path)) return entry;
        const existing = tree.readText(entry.path);
        if (existing.includes(ENV_EXAMPLE_MARKER)) return null;
        const separator = existing === '' || existing.endsWith('\n') ? '' : '\n';
        return {
          path: entry.path,
          content: Buffer.from(`${existing}${separator}\n${entry.content.toString('utf8')}`),
        };
      }),
    ]),
    MergeStrategy.Overwrite,
  );
}

/** `SecurityModule.forRoot(...)` or `.forRootAsync(...)` as it goes into `imports`. */
export function securityModuleExpression(useConfig: boolean): string {
  return useConfig
    ? [
        'SecurityModule.forRootAsync({',
        '  imports: [ConfigModule],',
        '  inject: [ConfigService],',
        '  useFactory: (config: ConfigService) =>',
        '    securityOptions((name) => config.get<string>(name)),',
        '  userProvider: AppUserProvider,',
        '})',
      ].join('\n')
    : [
        'SecurityModule.forRoot({',
        '  ...securityOptions((name) => process.env[name]),',
        '  userProvider: AppUserProvider,',
        '})',
      ].join('\n');
}

/** Import path from the root module to `<sourceRoot>/security/<file>`. */
function importPath(options: NormalizedInitOptions, file: string): string {
  return new PathSolver().relative(options.rootModule, join(options.sourceRoot, 'security', file));
}

/** Imports SecurityModule into the root module, unless it already does. */
function addToRootModule(options: NormalizedInitOptions): Rule {
  return (tree: Tree, context: SchematicContext) => {
    const path = options.rootModule;
    if (!tree.exists(path)) {
      throw new SchematicsException(
        `The root module ${path} does not exist. Fix: pass --module=<path relative to the source root>, or --skip-import and add SecurityModule yourself.`,
      );
    }
    const original = tree.readText(path);
    if (importsName(path, original, 'SecurityModule')) {
      context.logger.info(`${path.slice(1)} already imports SecurityModule: left unchanged.`);
      return tree;
    }
    let source = addNamedImports(path, original, ['SecurityModule'], SECURITY_PACKAGE);
    if (options.useConfig) {
      source = addNamedImports(path, source, ['ConfigModule', 'ConfigService'], '@nestjs/config');
    }
    source = addNamedImports(
      path,
      source,
      ['AppUserProvider'],
      importPath(options, 'app-user.provider'),
    );
    source = addNamedImports(
      path,
      source,
      ['securityOptions'],
      importPath(options, 'security-options'),
    );
    const updated = addToModuleImports(path, source, securityModuleExpression(options.useConfig));
    if (updated === undefined) {
      throw new SchematicsException(
        `${path} has no @Module({ ... }) with an \`imports\` array literal. Fix: pass --skip-import and add SecurityModule.forRoot(...) yourself.`,
      );
    }
    tree.overwrite(path, updated);
    return tree;
  };
}

function nextSteps(options: NormalizedInitOptions): Rule {
  return (tree: Tree, context: SchematicContext) => {
    const security = join(options.sourceRoot, 'security').slice(1);
    const lines = [
      'Rampart is set up. Next:',
      `  1. Connect ${security}/app-user.provider.ts to your user store (until then nobody can sign in).`,
      '  2. Copy the settings you need from .env.example into .env (JWT_PRIVATE_KEY in production).',
      '  3. Every route now needs authentication: mark open ones @Public(), guard others with @Roles(...).',
      '  4. Generate a guarded controller with its spec: nest g -c @rampart/security resource <name>',
    ];
    if (options.onExpress) {
      lines.push(
        "  5. On Express, create the app on new PrototypedExpressAdapter() from '@rampart/security/express' in main.ts: same behaviour, about 2.5x the requests per second.",
      );
    }
    if (options.skipImport) {
      lines.push(
        `  Skipped the root module (--skip-import): add SecurityModule.forRoot(...) to ${options.rootModule.slice(1)} yourself.`,
      );
    }
    if (options.useConfig) {
      lines.push(
        '  Settings are read through ConfigService: import ConfigModule.forRoot() in the root module to load .env.',
      );
    }
    context.logger.info(lines.join('\n'));
    return tree;
  };
}

/**
 * `nest g -c @rampart/security init`: adds SecurityModule to the root module (`forRootAsync`
 * with `ConfigService` when the app uses `@nestjs/config`, `forRoot` otherwise), a user provider
 * stub and security options under `<sourceRoot>/security/`, and `.env.example`. Running it again
 * changes nothing.
 *
 * @example
 * nest g -c @rampart/security init
 */
export function main(options: InitOptions): Rule {
  return (tree: Tree) => {
    const normalized = transform(options, tree);
    return chain([
      generateSources(normalized, tree),
      generateEnvExample(normalized, tree),
      normalized.skipImport ? noop() : addToRootModule(normalized),
      nextSteps(normalized),
    ]);
  };
}
