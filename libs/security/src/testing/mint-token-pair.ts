import type { INestApplicationContext } from '@nestjs/common';
import type { AccessTokenBinding } from '../authn/jwt/token.service';
import { RefreshTokenService, type TokenPair } from '../authn/tokens/refresh-token.service';
import { testingService } from './testing-service';
import { toSecurityUser, type TestUser } from './test-user';

/**
 * Starts a refresh-token family for `user`, as a login does (`RefreshTokenService.issue`), and
 * returns the token pair. Refreshing it later needs the app's `UserProvider` to find `user.id`.
 * Runs on the app's `SecurityClock`, so a `TestClock` ages it.
 *
 * @example
 * const pair = await mintTokenPair(app, { id: 'u-alice', roles: ['user'] });
 * await request(app.getHttpServer()).post('/auth/refresh').send({ refresh_token: pair.refresh_token }).expect(200);
 */
export async function mintTokenPair(
  app: INestApplicationContext,
  user: TestUser,
  options: AccessTokenBinding = {},
): Promise<TokenPair> {
  return await testingService(app, RefreshTokenService).issue(toSecurityUser(user), options);
}
