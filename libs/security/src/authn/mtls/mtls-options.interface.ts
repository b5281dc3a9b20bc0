/** Client-certificate (mTLS) authentication. Fields to come. */
export type MtlsOptions = Readonly<Record<string, unknown>>;
