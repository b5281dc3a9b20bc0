import type { INestApplicationContext } from '@nestjs/common';
import type { AccessTokenBinding } from '../authn/jwt/token.service';
import { mintAccessToken } from './mint-access-token';
import type { TestUser } from './test-user';

/**
 * The `Authorization` header of a bearer request, for supertest's `.set()` (a type alias, so it
 * fits header records).
 *
 * @example
 * const headers: BearerHeader = bearer(app, { id: 'u-1', roles: [] });
 */
export type BearerHeader = { readonly Authorization: `Bearer ${string}` };

/**
 * An `Authorization: Bearer ...` header with a freshly minted access token for `user` (see
 * {@link mintAccessToken}).
 *
 * @example
 * await request(app.getHttpServer()).get('/admin').set(bearer(app, { id: 'u-1', roles: ['admin'] })).expect(200);
 */
export function bearer(
  app: INestApplicationContext,
  user: TestUser,
  options: AccessTokenBinding = {},
): BearerHeader {
  return { Authorization: `Bearer ${mintAccessToken(app, user, options)}` };
}
