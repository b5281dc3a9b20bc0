/** Options of the `resource` schematic (see schema.json). */
export interface ResourceOptions {
  /** Name of the resource (also its route path), e.g. `notes` or `admin/reports`. */
  name: string;
  /** Folder to create the resource in, relative to the source root. */
  path?: string;
  /** Source root of the application. @default 'src' */
  sourceRoot?: string;
  /** Module to declare the controller in. @default the nearest `*.module.ts` */
  module?: string;
  /** Do not declare the controller in a module. @default false */
  skipImport?: boolean;
  /** Generate into the folder itself instead of a folder named after the resource. @default false */
  flat?: boolean;
  /** Generate the spec. @default true */
  spec?: boolean;
  /** Suffix of the spec file. @default 'spec' */
  specFileSuffix?: string;
  /** Language of the application; only `ts` is supported. */
  language?: string;
  /** Accepted for the Nest CLI; the generated code is already formatted. */
  format?: boolean;
}
