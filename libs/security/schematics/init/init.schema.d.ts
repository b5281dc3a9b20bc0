/** Options of the `init` schematic (see schema.json). */
export interface InitOptions {
  /** Source root of the application. @default 'src' */
  sourceRoot?: string;
  /** Path of the root module, relative to the source root. @default 'app.module.ts' */
  module?: string;
  /** Generate the files without adding SecurityModule to the root module. @default false */
  skipImport?: boolean;
  /** Language of the application; only `ts` is supported. */
  language?: string;
  /** Accepted for the Nest CLI; init generates no spec. */
  spec?: boolean;
  /** Accepted for the Nest CLI; init always generates into `<sourceRoot>/security`. */
  flat?: boolean;
  /** Accepted for the Nest CLI; init generates no spec. */
  specFileSuffix?: string;
  /** Accepted for the Nest CLI; the generated code is already formatted. */
  format?: boolean;
}
