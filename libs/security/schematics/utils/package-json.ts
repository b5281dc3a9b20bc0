import type { Tree } from '@angular-devkit/schematics';

/** The parts of an application's `package.json` the schematics read. */
export interface ApplicationPackage {
  readonly name?: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringRecord(value: unknown): Record<string, string> | undefined {
  if (!isRecord(value)) return undefined;
  return Object.fromEntries(
    Object.entries(value).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
}

/**
 * The application's `/package.json`, or an empty description when the file is missing or is not
 * a JSON object.
 *
 * @example
 * const pkg = readApplicationPackage(tree);
 */
export function readApplicationPackage(tree: Tree): ApplicationPackage {
  if (!tree.exists('/package.json')) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(tree.readText('/package.json'));
  } catch {
    return {};
  }
  if (!isRecord(parsed)) return {};
  const dependencies = stringRecord(parsed.dependencies);
  const devDependencies = stringRecord(parsed.devDependencies);
  return {
    ...(typeof parsed.name === 'string' ? { name: parsed.name } : {}),
    ...(dependencies === undefined ? {} : { dependencies }),
    ...(devDependencies === undefined ? {} : { devDependencies }),
  };
}

/**
 * Whether the application depends on `name` (in `dependencies` or `devDependencies`).
 *
 * @example
 * dependsOn(readApplicationPackage(tree), '@nestjs/config');
 */
export function dependsOn(pkg: ApplicationPackage, name: string): boolean {
  return pkg.dependencies?.[name] !== undefined || pkg.devDependencies?.[name] !== undefined;
}
