import {
  Body,
  Controller,
  Get,
  HttpCode,
  Injectable,
  Module,
  Post,
  type DynamicModule,
} from '@nestjs/common';
import {
  CurrentUser,
  Public,
  RefreshTokenService,
  Roles,
  SecurityModule,
  type Principal,
  type SecurityModuleOptions,
  type SecurityUser,
  type TokenPair,
  type UserProvider,
} from '@rampart/security';

/** The users a test mints tokens for; the refresh route looks them up by id. */
export const USER = { id: 'u-alice', username: 'alice', roles: ['user'] } as const;
export const ADMIN = { id: 'u-admin', username: 'admin', roles: ['admin'] } as const;

/** Issuer and audience of the scenario's tokens. */
export const JWT = { issuer: 'https://issuer.test', audience: 'api.test' } as const;

@Injectable()
export class KitUsers implements UserProvider {
  private readonly users = new Map<string, SecurityUser>([
    [USER.id, USER],
    [ADMIN.id, ADMIN],
  ]);

  findById(id: string): Promise<SecurityUser | undefined> {
    return Promise.resolve(this.users.get(id));
  }

  /** No password login in this scenario: tokens come from the testing kit. */
  verifyCredentials(): Promise<SecurityUser | undefined> {
    return Promise.resolve(undefined);
  }
}

@Controller()
export class KitController {
  constructor(private readonly refreshTokens: RefreshTokenService) {}

  @Public()
  @Get('public')
  open(): { ok: true } {
    return { ok: true };
  }

  @Get('protected')
  protectedRoute(@CurrentUser() user: Principal): Pick<Principal, 'id' | 'username' | 'roles'> {
    return { id: user.id, username: user.username, roles: user.roles };
  }

  @Roles('admin')
  @Get('admin')
  admin(): { admin: true } {
    return { admin: true };
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  refresh(@Body() body: { refresh_token?: unknown } | undefined): Promise<TokenPair> {
    return this.refreshTokens.refresh(body?.refresh_token);
  }
}

/** The scenario app: a public, a protected, an admin and a refresh route. */
@Module({})
export class TestingKitModule {
  static with(options: SecurityModuleOptions): DynamicModule {
    return {
      module: TestingKitModule,
      imports: [SecurityModule.forRoot({ ...options, userProvider: KitUsers })],
      controllers: [KitController],
    };
  }
}

/** The same app as the README shows it: a static module, test environment, memory store. */
@Module({
  imports: [SecurityModule.forRoot({ environment: 'test', jwt: JWT, userProvider: KitUsers })],
  controllers: [KitController],
})
export class AppModule {}
