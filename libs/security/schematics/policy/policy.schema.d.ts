import type { GeneratedFilesOptions } from '../utils/generated-files';

/**
 * Options of the `policy` schematic (see schema.json): `path`, `sourceRoot`, `module` (where
 * the policy is declared), `skipImport`, `flat`, `spec`, `specFileSuffix` and `language` as every
 * file-generating schematic of the collection takes them, and:
 */
export interface PolicyOptions extends GeneratedFilesOptions {
  /** Name of the policy, as routes require it with `@Policies()`, e.g. `notes.owner`. */
  name: string;
  /** Accepted for the Nest CLI; the generated code is already formatted. */
  format?: boolean;
}
