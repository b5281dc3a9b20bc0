import type { ExecutionContext } from '@nestjs/common';
import type { Principal } from '../../core/principal.interface';
import type { SecurityRequest } from '../../core/security-request.interface';
import { AuthenticationRequiredException } from '../../errors/authentication-required.exception';
import { InvalidCertificateException } from '../../errors/invalid-certificate.exception';
import { SecurityConfigurationError } from '../../errors/security-configuration.error';
import type { Authenticator } from '../authenticator.interface';
import type { UserProvider } from '../user-provider.interface';
import { inspectClientCertificate } from './client-certificate';
import type { ResolvedMtlsOptions } from './resolve-mtls-options';

const BEARER_SCHEME = /^bearer /i;

/** A user provider that can map client certificates. */
type CertificateUserProvider = UserProvider & Required<Pick<UserProvider, 'findByCertificate'>>;

/** Checked at run time too: JavaScript callers skip the types. */
function mapsCertificates(users: UserProvider | undefined): users is CertificateUserProvider {
  return (
    typeof (users as { findByCertificate?: unknown } | undefined)?.findByCertificate === 'function'
  );
}

/**
 * Client-certificate authentication, first in the guard's order. It decides a request that
 * presents a client certificate (a verified or refused one on its TLS connection, or a forwarded
 * one from a trusted proxy; see `inspectClientCertificate`):
 *
 * - a verified certificate that `UserProvider.findByCertificate` maps to a user gives a principal
 *   with `authMethod: 'mtls'`;
 * - a certificate that is refused (untrusted CA, malformed or expired forwarded certificate), or
 *   that maps to no user, answers 401 `SECURITY_INVALID_CERTIFICATE` and never falls through to
 *   another method.
 *
 * It yields to an `Authorization: Bearer` header: a client of certificate-bound tokens presents
 * its certificate on every request, and the token, not the certificate, must then decide. The
 * bearer authenticator verifies the token and its `cnf.x5t#S256` binding against that same
 * certificate. (Without a bearer authenticator such a request is anonymous, so 401 on a
 * protected route.)
 *
 * @example
 * // wired by SecurityModule when `mtls` is configured:
 * new MtlsAuthenticator(resolvedOptions.mtls, usersService);
 */
export class MtlsAuthenticator implements Authenticator {
  readonly method = 'mtls' as const;
  /** No HTTP authentication scheme names client certificates. */
  readonly challenge = undefined;
  private readonly users: CertificateUserProvider;

  /** @throws SecurityConfigurationError when `users` lacks `findByCertificate`. */
  constructor(
    readonly options: ResolvedMtlsOptions,
    users: UserProvider | undefined,
  ) {
    if (!mapsCertificates(users)) {
      throw new SecurityConfigurationError(
        'mtls',
        users === undefined
          ? 'needs a user provider to map client certificates to users, and none is registered'
          : 'needs the user provider to implement findByCertificate(certificate)',
        users === undefined
          ? 'pass `userProvider` to SecurityModule with a class that implements findByCertificate, or remove `mtls`'
          : 'add findByCertificate(certificate) to your UserProvider, or remove `mtls`',
      );
    }
    this.users = users;
  }

  /** A certificate is presented and no `Authorization: Bearer` header is (see the class note). */
  presentsCredentials(request: SecurityRequest): boolean {
    if (BEARER_SCHEME.test(request.headers.authorization ?? '')) return false;
    return inspectClientCertificate(request, this.options).status !== 'absent';
  }

  async authenticate(context: ExecutionContext): Promise<Principal> {
    const request = context.switchToHttp().getRequest<SecurityRequest>();
    const inspection = inspectClientCertificate(request, this.options);
    switch (inspection.status) {
      case 'absent':
        throw new AuthenticationRequiredException();
      case 'rejected':
        throw new InvalidCertificateException();
      case 'verified':
        break;
    }
    const user = await this.users.findByCertificate(inspection.certificate);
    if (user === undefined) throw new InvalidCertificateException();
    return {
      id: user.id,
      username: user.username,
      roles: Object.freeze([...user.roles]),
      authMethod: 'mtls',
    };
  }
}
