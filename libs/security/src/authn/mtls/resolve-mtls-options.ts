import { SecurityConfigurationError } from '../../errors/security-configuration.error';

/** mTLS options after validation (fields to come). */
export type ResolvedMtlsOptions = Readonly<Record<string, never>>;

/** Validates `mtls`. Scaffold: mTLS is being built. */
export function resolveMtlsOptions(raw: unknown): ResolvedMtlsOptions | undefined {
  if (raw === undefined) return undefined;
  throw new SecurityConfigurationError('mtls', 'is not supported yet', 'remove it');
}
