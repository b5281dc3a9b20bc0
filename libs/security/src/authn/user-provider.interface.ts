import type { ClientCertificate } from './mtls/client-certificate';

/** What Rampart needs to know about an application's user. */
export interface SecurityUser {
  readonly id: string;
  readonly username: string;
  readonly roles: readonly string[];
}

/**
 * Implemented by the application and passed as `userProvider` to SecurityModule: Rampart never
 * stores users or passwords itself.
 *
 * @example
 * @Injectable()
 * export class UsersService implements UserProvider {
 *   async findById(id: string) { return this.repo.findOne(id); }
 *   async verifyCredentials(username: string, password: string) {
 *     const user = await this.repo.findByName(username);
 *     // compare against a dummy hash when the user is unknown, so timing does not tell
 *     const ok = await verifyHash(user?.passwordHash ?? DUMMY_HASH, password);
 *     return ok && user ? user : undefined;
 *   }
 * }
 */
export interface UserProvider {
  /** The user with this id, or `undefined`. */
  findById(id: string): Promise<SecurityUser | undefined>;
  /**
   * The user when `password` is right for `username`; `undefined` otherwise. Must take about the
   * same time whether or not the user exists (hash a dummy value for unknown users).
   */
  verifyCredentials(username: string, password: string): Promise<SecurityUser | undefined>;
  /** Maps identity-provider claims to a user (OpenID Connect, external issuers); optional. */
  mapClaims?(
    claims: Readonly<Record<string, unknown>>,
    issuer: string,
  ): Promise<SecurityUser | undefined>;
  /**
   * The user a verified client certificate identifies, or `undefined` for none (401). Required
   * when `mtls` is configured: start-up fails without it. The certificate was verified by the TLS
   * server against its client CA (or by a trusted proxy), so map on something that CA vouches
   * for: the subject, a subject alternative name, or the `x5tS256` thumbprint of a registered
   * certificate; never accept a certificate merely because it parses.
   *
   * @example
   * async findByCertificate(certificate: ClientCertificate) {
   *   return certificate.commonName === undefined
   *     ? undefined
   *     : this.repo.findByName(certificate.commonName);
   * }
   */
  findByCertificate?(certificate: ClientCertificate): Promise<SecurityUser | undefined>;
}
