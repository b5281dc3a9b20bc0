import type { INestApplicationContext } from '@nestjs/common';
import { TokenService, type AccessTokenBinding } from '../authn/jwt/token.service';
import { testingService } from './testing-service';
import { toSecurityUser, type TestUser } from './test-user';

/**
 * Signs an access token for `user` with the app's own `TokenService` and active key: the token
 * is a real one, checked by the real guard (signature, `iss`, `aud`, `exp`, revocation). `options`
 * binds it like a production token (`familyId`, `sessionId`, `certificateThumbprint`). Refused
 * when the app runs with `environment: 'production'`.
 *
 * @example
 * const token = mintAccessToken(app, { id: 'u-alice', roles: ['user'] });
 * await request(app.getHttpServer()).get('/me').auth(token, { type: 'bearer' }).expect(200);
 */
export function mintAccessToken(
  app: INestApplicationContext,
  user: TestUser,
  options: AccessTokenBinding = {},
): string {
  return testingService(app, TokenService).issueAccessToken(toSecurityUser(user), options)
    .accessToken;
}
