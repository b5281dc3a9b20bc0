import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { SecurityModule } from '@rampart/security';
import { AdminController } from './admin.controller';
import { AuthController } from './auth.controller';
import { DemoUsersService } from './demo-users.service';
import { HealthController } from './health.controller';
import { HttpErrorFilter } from './http-error.filter';
import { JwksController } from './jwks.controller';
import { LoginPageController } from './login-page.controller';
import { MeController } from './me.controller';
import { NotesController } from './notes.controller';
import { OidcController } from './oidc.controller';
import { oidcEnabled, securityOptionsFromEnv } from './security-options';
import { UploadController } from './upload.controller';
import { UsersController } from './users.controller';
import { UsersSelfOrAdminPolicy } from './users-self-or-admin.policy';

@Module({
  imports: [
    SecurityModule.forRootAsync({
      useFactory: () => securityOptionsFromEnv(process.env),
      userProvider: DemoUsersService,
    }),
  ],
  controllers: [
    HealthController,
    AuthController,
    MeController,
    AdminController,
    NotesController,
    UploadController,
    JwksController,
    LoginPageController,
    UsersController,
    // OpenID Connect login routes, when OIDC_ISSUER switches it on.
    ...(oidcEnabled(process.env) ? [OidcController] : []),
  ],
  providers: [
    { provide: APP_FILTER, useClass: HttpErrorFilter },
    // GET /users/:id reads the demo accounts; the policy guarding it (`users.self-or-admin`).
    DemoUsersService,
    UsersSelfOrAdminPolicy,
  ],
})
export class AppModule {}
