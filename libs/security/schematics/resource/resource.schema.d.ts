import type { GeneratedFilesOptions } from '../utils/generated-files';

/**
 * Options of the `resource` schematic (see schema.json): `path`, `sourceRoot`, `module` (where
 * the controller is declared), `skipImport`, `flat`, `spec`, `specFileSuffix` and `language` as every
 * file-generating schematic of the collection takes them, and:
 */
export interface ResourceOptions extends GeneratedFilesOptions {
  /** Name of the resource (also its route path), e.g. `notes` or `admin/reports`. */
  name: string;
  /** Accepted for the Nest CLI; the generated code is already formatted. */
  format?: boolean;
}
