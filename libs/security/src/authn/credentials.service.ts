import { Inject, Injectable } from '@nestjs/common';
import { USER_PROVIDER } from '../core/security.tokens';
import { InvalidCredentialsException } from '../errors/invalid-credentials.exception';
import { InvalidRequestException } from '../errors/invalid-request.exception';
import type { SecurityUser, UserProvider } from './user-provider.interface';

/** Longest username or password accepted, in characters: longer input is refused before hashing. */
const MAX_CREDENTIAL_LENGTH = 1024;

/**
 * Checks a username and password through the application's {@link UserProvider}. Malformed input
 * is 400; a wrong username and a wrong password give the same 401.
 *
 * @example
 * const user = await this.credentials.verify(body);
 */
@Injectable()
export class CredentialsService {
  constructor(@Inject(USER_PROVIDER) private readonly users: UserProvider) {}

  /** Verifies `{ username, password }` taken from an untrusted request body. */
  async verify(body: unknown): Promise<SecurityUser> {
    const { username, password } = readCredentials(body);
    const user = await this.users.verifyCredentials(username, password);
    if (user === undefined) throw new InvalidCredentialsException();
    return user;
  }
}

function readCredentials(body: unknown): { username: string; password: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidRequestException(
      'The body must be a JSON object with "username" and "password".',
    );
  }
  const { username, password } = body as Record<string, unknown>;
  for (const [name, value] of [
    ['username', username],
    ['password', password],
  ] as const) {
    if (typeof value !== 'string' || value.length === 0 || value.length > MAX_CREDENTIAL_LENGTH) {
      throw new InvalidRequestException(
        `"${name}" must be a non-empty string of at most ${MAX_CREDENTIAL_LENGTH} characters.`,
      );
    }
  }
  return { username: username as string, password: password as string };
}
