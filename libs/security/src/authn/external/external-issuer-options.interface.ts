/** One trusted external issuer of access tokens (resource-server mode). Fields to come. */
export type ExternalIssuerOptions = Readonly<Record<string, unknown>>;
