import type { ExecutionContext } from '@nestjs/common';
import type { Principal } from '../../core/principal.interface';
import type { SecurityRequest } from '../../core/security-request.interface';
import { AuthenticationRequiredException } from '../../errors/authentication-required.exception';
import type { Authenticator } from '../authenticator.interface';
import type { UserProvider } from '../user-provider.interface';
import type { ResolvedMtlsOptions } from './resolve-mtls-options';

/** Client-certificate authentication. Scaffold: mTLS is being built. */
export class MtlsAuthenticator implements Authenticator {
  readonly method = 'mtls' as const;
  readonly challenge = undefined;

  constructor(
    readonly options: ResolvedMtlsOptions,
    readonly users: UserProvider | undefined,
  ) {}

  presentsCredentials(_request: SecurityRequest): boolean {
    return false;
  }

  authenticate(_context: ExecutionContext): Promise<Principal> {
    return Promise.reject(new AuthenticationRequiredException());
  }
}
