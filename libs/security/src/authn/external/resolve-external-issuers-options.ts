import { SecurityConfigurationError } from '../../errors/security-configuration.error';

/** An external issuer after validation (fields to come with resource-server mode). */
export type ResolvedExternalIssuer = Readonly<Record<string, never>>;

/** Validates `externalIssuers`. Scaffold: resource-server mode is being built. */
export function resolveExternalIssuersOptions(raw: unknown): readonly ResolvedExternalIssuer[] {
  if (raw === undefined) return [];
  throw new SecurityConfigurationError('externalIssuers', 'is not supported yet', 'remove it');
}
