import {
  Controller,
  ExecutionContext,
  ForbiddenException,
  Get,
  Injectable,
  Module,
  SetMetadata,
  UnauthorizedException,
  type CanActivate,
} from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import { AuthGuard, PassportModule, PassportStrategy } from '@nestjs/passport';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { ExtractJwt, Strategy } from 'passport-jwt';
import {
  BENCH_AUDIENCE,
  BENCH_ISSUER,
  BENCH_THROTTLE_WINDOW_MS,
  okBody,
  requireEnv,
} from './bench-env';

interface GluedUser {
  readonly id: string;
  readonly roles: readonly string[];
}

const ROLES_KEY = 'roles';
const GluedRoles = (...roles: string[]): ReturnType<typeof SetMetadata> =>
  SetMetadata(ROLES_KEY, roles);

/** What a NestJS team writes by hand: passport-jwt with the public key as a PEM string. */
@Injectable()
class GluedJwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor() {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: requireEnv('BENCH_JWT_PUBLIC_KEY'),
      algorithms: ['ES256'],
      issuer: BENCH_ISSUER,
      audience: BENCH_AUDIENCE,
      ignoreExpiration: false,
    });
  }

  validate(payload: { sub?: unknown; roles?: unknown }): GluedUser {
    if (typeof payload.sub !== 'string') throw new UnauthorizedException();
    const roles = Array.isArray(payload.roles)
      ? payload.roles.filter((role): role is string => typeof role === 'string')
      : [];
    return { id: payload.sub, roles };
  }
}

@Injectable()
class GluedJwtGuard extends AuthGuard('jwt') {}

/** The usual hand-written roles guard, with the same hierarchy (admin implies user). */
@Injectable()
class GluedRolesGuard implements CanActivate {
  private static readonly implied: Readonly<Record<string, readonly string[]>> = {
    admin: ['admin', 'user'],
    user: ['user'],
  };

  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const required = this.reflector.getAllAndOverride<string[] | undefined>(ROLES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (required === undefined) return true;
    const user = context.switchToHttp().getRequest<{ user?: GluedUser }>().user;
    if (user === undefined) throw new UnauthorizedException();
    const held = new Set(user.roles.flatMap((role) => GluedRolesGuard.implied[role] ?? [role]));
    if (required.some((role) => held.has(role))) return true;
    throw new ForbiddenException();
  }
}

@Controller('api')
class OrdersController {
  @Get('orders')
  @GluedRoles('user')
  orders(): ReturnType<typeof okBody> {
    return okBody('u-1');
  }
}

/**
 * The hand-glued equivalent of Rampart's full stack: @nestjs/passport `AuthGuard('jwt')` with
 * passport-jwt, a roles guard, @nestjs/throttler in memory; helmet is added in main (Express
 * middleware or @fastify/helmet).
 */
@Module({
  imports: [
    PassportModule,
    ThrottlerModule.forRoot({
      throttlers: [{ ttl: BENCH_THROTTLE_WINDOW_MS, limit: 1_000_000_000 }],
    }),
  ],
  controllers: [OrdersController],
  providers: [
    GluedJwtStrategy,
    { provide: APP_GUARD, useClass: GluedJwtGuard },
    { provide: APP_GUARD, useClass: ThrottlerGuard },
    { provide: APP_GUARD, useClass: GluedRolesGuard },
  ],
})
export class GluedJwtModule {}
