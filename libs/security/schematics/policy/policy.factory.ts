import { join, strings, type Path } from '@angular-devkit/core';
import { SchematicsException, type Rule } from '@angular-devkit/schematics';
import {
  generateFiles,
  normalizeGeneratedFiles,
  type NormalizedGeneratedFiles,
} from '../utils/generated-files';
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
  readonly files: NormalizedGeneratedFiles;
}

/** Letters, digits and dashes in dot-separated segments, starting with a letter. */
const POLICY_NAME = /^[a-z][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)*$/;

/** Normalises and checks the options. */
export function transform(options: PolicyOptions): NormalizedPolicyOptions {
  const files = normalizeGeneratedFiles('policy', options);
  const policyName = typeof options.name === 'string' ? options.name.trim() : '';
  if (!POLICY_NAME.test(policyName)) {
    throw new SchematicsException(
      `"${policyName}" is not a usable policy name: use lower-case dot-separated words, e.g. nest g -c @rampart/security policy notes.owner`,
    );
  }
  const fileName = policyName.replace(/\./g, '-');
  return {
    policyName,
    fileName,
    className: `${strings.classify(fileName)}Policy`,
    directory: options.flat === true ? files.base : join(files.base, fileName),
    files,
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
  const { policyName, fileName, className, directory, files } = transform(options);
  return generateFiles({
    files,
    directory,
    variables: { policyName, fileName, className },
    declaration: {
      metadata: 'providers',
      symbol: className,
      file: join(directory, `${fileName}.policy`),
    },
  });
}
