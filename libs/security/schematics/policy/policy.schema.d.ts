/** Options of the `policy` schematic (see schema.json). */
export interface PolicyOptions {
  /** Name of the policy, as routes require it with `@Policies()`, e.g. `notes.owner`. */
  name: string;
  /** Folder to create the policy in, relative to the source root. */
  path?: string;
  /** Source root of the application. @default 'src' */
  sourceRoot?: string;
  /** Module to register the policy in. @default the nearest `*.module.ts` */
  module?: string;
  /** Do not register the policy in a module. @default false */
  skipImport?: boolean;
  /** Generate into the folder itself instead of a folder named after the policy. @default false */
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
