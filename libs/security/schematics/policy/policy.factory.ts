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
import { declareInModule, resolveModulePath } from '../utils/declare-in-module';
import type { PolicyOptions } from './policy.schema';

/** {@link PolicyOptions} after {@link transform}. */
export interface NormalizedPolicyOptions {
  /** The name routes use in `@Policies()`, e.g. `notes.owner`. */
  readonly policyName: string;
  /** The file name without `.policy.ts`, e.g. `notes-owner`. */
  readonly fileName: string;
  /** The class, e.g. `NotesOwnerPolicy`. */
  readonly className: string;
  /** Folder the files go to. */
  readonly directory: Path;
  readonly module: Path | undefined;
  readonly skipImport: boolean;
  readonly spec: boolean;
  readonly specFileSuffix: string;
}

/** Letters, digits and dashes in dot-separated segments, starting with a letter. */
const POLICY_NAME = /^[a-z][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)*$/;

/** Normalises and checks the options. */
export function transform(options: PolicyOptions): NormalizedPolicyOptions {
  if (options.language !== undefined && options.language !== 'ts') {
    throw new SchematicsException(
      `@rampart/security policy supports TypeScript applications only, got language "${options.language}".`,
    );
  }
  const policyName = typeof options.name === 'string' ? options.name.trim() : '';
  if (!POLICY_NAME.test(policyName)) {
    throw new SchematicsException(
      `"${policyName}" is not a usable policy name: use lower-case dot-separated words, e.g. nest g -c @rampart/security policy notes.owner`,
    );
  }
  const fileName = policyName.replace(/\./g, '-');
  const sourceRoot = normalize(`/${options.sourceRoot ?? 'src'}`);
  const base = options.path === undefined ? sourceRoot : join(sourceRoot, options.path);
  return {
    policyName,
    fileName,
    className: `${strings.classify(fileName)}Policy`,
    directory: options.flat === true ? base : join(base, fileName),
    module: resolveModulePath(sourceRoot, options.module),
    skipImport: options.skipImport === true,
    spec: options.spec !== false,
    specFileSuffix: options.specFileSuffix ?? 'spec',
  };
}

/**
 * `nest g -c @rampart/security policy <name>`: an authorization policy (`@SecurityPolicy(name)`,
 * an injectable `PolicyHandler`), its spec on `@rampart/security/testing`, and the policy added
 * to the nearest module's providers, where Rampart finds it at start-up.
 *
 * @example
 * nest g -c @rampart/security policy notes.owner
 */
export function main(options: PolicyOptions): Rule {
  const normalized = transform(options);
  return chain([
    mergeWith(
      apply(url('./files'), [
        normalized.spec
          ? noop()
          : filter((path) => !path.endsWith('.__specFileSuffix__.ts.template')),
        applyTemplates({
          policyName: normalized.policyName,
          fileName: normalized.fileName,
          className: normalized.className,
          specFileSuffix: normalized.specFileSuffix,
        }),
        move(normalized.directory),
      ]),
    ),
    normalized.skipImport
      ? noop()
      : declareInModule({
          metadata: 'providers',
          symbol: normalized.className,
          file: join(normalized.directory, `${normalized.fileName}.policy`),
          module: normalized.module,
        }),
  ]);
}
