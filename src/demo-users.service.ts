import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { Injectable } from '@nestjs/common';
import type { ClientCertificate, SecurityUser, UserProvider } from '@rampart/security';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  length: number,
) => Promise<Buffer>;
const KEY_LENGTH = 32;

interface DemoUser extends SecurityUser {
  readonly salt: Buffer;
  readonly hash: Buffer;
}

const DEMO_ACCOUNTS: readonly {
  id: string;
  username: string;
  password: string;
  roles: string[];
}[] = [
  { id: 'u-alice', username: 'alice', password: 'alice-password', roles: ['user'] },
  { id: 'u-admin', username: 'admin', password: 'admin-password', roles: ['admin'] },
];

/**
 * The reference app's user provider: two demo accounts with scrypt-hashed passwords, hashed at
 * start-up. An unknown username is checked against a dummy hash, so it costs the same time as a
 * wrong password. With mTLS on, a client certificate maps to the account named by its subject CN
 * (`CN=alice`, `CN=admin`). With OpenID Connect on, a provider's user maps to the demo account
 * named by its `preferred_username` claim, else its `sub` (see {@link mapClaims}).
 */
@Injectable()
export class DemoUsersService implements UserProvider {
  private readonly users = new Map<string, DemoUser>();
  private readonly dummy = { salt: randomBytes(16), hash: randomBytes(KEY_LENGTH) };
  private readonly ready: Promise<void>;

  constructor() {
    this.ready = Promise.all(
      DEMO_ACCOUNTS.map(async ({ id, username, password, roles }) => {
        const salt = randomBytes(16);
        const hash = await scryptAsync(password, salt, KEY_LENGTH);
        this.users.set(username, { id, username, roles, salt, hash });
      }),
    ).then(() => undefined);
  }

  async findById(id: string): Promise<SecurityUser | undefined> {
    await this.ready;
    const user = [...this.users.values()].find((candidate) => candidate.id === id);
    return user === undefined
      ? undefined
      : { id: user.id, username: user.username, roles: user.roles };
  }

  /**
   * The demo account whose username is the certificate's subject CN. Only certificates issued by
   * the CA in `TLS_CA_FILE` (or forwarded by a trusted proxy) get here, so the CN is that CA's word.
   */
  async findByCertificate(certificate: ClientCertificate): Promise<SecurityUser | undefined> {
    await this.ready;
    const name = certificate.commonName;
    const user = name === undefined ? undefined : this.users.get(name);
    return user === undefined
      ? undefined
      : { id: user.id, username: user.username, roles: user.roles };
  }

  /**
   * The demo account named by the provider's `preferred_username` (else `sub`); `undefined`
   * (login refused) for anyone else. A real application keys its users by issuer and `sub`.
   */
  async mapClaims(
    claims: Readonly<Record<string, unknown>>,
    _issuer: string,
  ): Promise<SecurityUser | undefined> {
    await this.ready;
    const name =
      typeof claims.preferred_username === 'string' ? claims.preferred_username : claims.sub;
    const user = typeof name === 'string' ? this.users.get(name) : undefined;
    return user === undefined
      ? undefined
      : { id: user.id, username: user.username, roles: user.roles };
  }

  async verifyCredentials(username: string, password: string): Promise<SecurityUser | undefined> {
    await this.ready;
    const user = this.users.get(username);
    const { salt, hash } = user ?? this.dummy;
    const candidate = await scryptAsync(password, salt, KEY_LENGTH);
    const matches = timingSafeEqual(candidate, hash);
    return matches && user !== undefined
      ? { id: user.id, username: user.username, roles: user.roles }
      : undefined;
  }
}
