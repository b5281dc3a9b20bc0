import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { RESOLVED_SECURITY_OPTIONS } from '../../core/security.tokens';
import type { ResolvedSecurityOptions } from '../../core/resolved-security-options.interface';
import { SecurityConfigurationError } from '../../errors/security-configuration.error';
import type { SecurityUser } from '../user-provider.interface';
import { ACCESS_TOKEN_TYPE } from './jwt.constants';
import { JwtKeyRing } from './jwt-key-ring';

/** What an access token is bound to (RFC 8705). */
export interface AccessTokenBinding {
  /** `x5t#S256` of the client certificate (base64url SHA-256 of its DER): the token then works only with it. */
  readonly certificateThumbprint?: string;
  /** The refresh-token family the access token is issued with (`fid`): revoking it revokes the token. */
  readonly familyId?: string;
  /** The session the access token is issued for (`sid`): revoking the session revokes the token. */
  readonly sessionId?: string;
}

/** An issued access token. */
export interface IssuedAccessToken {
  readonly accessToken: string;
  readonly tokenType: 'Bearer';
  /** Seconds until the token expires. */
  readonly expiresIn: number;
  /** The token's `jti`. */
  readonly tokenId: string;
}

/**
 * Issues access tokens (RFC 9068 profile: `typ: at+jwt`, `kid`, `iss`, `aud`, `sub`, `iat`,
 * `exp`, `jti`, plus `preferred_username` and `roles`) signed with the active key, and serves the
 * JWKS.
 *
 * @example
 * const { accessToken, expiresIn } = this.tokens.issueAccessToken(user);
 */
@Injectable()
export class TokenService {
  constructor(
    @Inject(RESOLVED_SECURITY_OPTIONS) private readonly options: ResolvedSecurityOptions,
    @Inject(JwtKeyRing) private readonly keyRing: JwtKeyRing | null,
  ) {}

  /** Signs an access token for `user`. */
  issueAccessToken(user: SecurityUser, binding: AccessTokenBinding = {}): IssuedAccessToken {
    const { jwt: jwtOptions } = this.options;
    const key = this.keyRing?.signingKey();
    if (jwtOptions === undefined || key?.signingKey === undefined) {
      throw new SecurityConfigurationError(
        'jwt',
        'has no signing key, so tokens cannot be issued',
        'configure jwt with a key that has a privateKey or secret',
      );
    }
    const tokenId = randomUUID();
    const issuedAtMs = Date.now();
    const accessToken = jwt.sign(
      {
        preferred_username: user.username,
        roles: [...user.roles],
        iat: Math.floor(issuedAtMs / 1000),
        iat_ms: issuedAtMs,
        ...(binding.familyId === undefined ? {} : { fid: binding.familyId }),
        ...(binding.sessionId === undefined ? {} : { sid: binding.sessionId }),
        ...(binding.certificateThumbprint === undefined
          ? {}
          : { cnf: { 'x5t#S256': binding.certificateThumbprint } }),
      },
      key.signingKey,
      {
        algorithm: key.algorithm,
        keyid: key.kid,
        header: { alg: key.algorithm, kid: key.kid, typ: ACCESS_TOKEN_TYPE },
        issuer: jwtOptions.issuer,
        audience:
          jwtOptions.audience.length === 1 ? jwtOptions.audience[0] : [...jwtOptions.audience],
        subject: user.id,
        jwtid: tokenId,
        expiresIn: jwtOptions.accessTokenTtlSeconds,
      },
    );
    return {
      accessToken,
      tokenType: 'Bearer',
      expiresIn: jwtOptions.accessTokenTtlSeconds,
      tokenId,
    };
  }

  /** The JWKS document to serve at `/.well-known/jwks.json`: public keys only. */
  jwks(): JwtKeyRing['jwks'] {
    return this.keyRing?.jwks ?? { keys: [] };
  }
}
