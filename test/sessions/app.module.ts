import { GENEROUS_THROTTLING } from '../support/apps';
import {
  Module,
  type DynamicModule,
  type ModuleMetadata,
  type Provider,
  type Type,
} from '@nestjs/common';
import { SecurityModule, type SecurityModuleOptions } from '@rampart/security';
import { AuthController } from '../../src/auth.controller';
import { DemoUsersService } from '../../src/demo-users.service';
import { HealthController } from '../../src/health.controller';
import { MeController } from '../../src/me.controller';
import { NotesController } from '../../src/notes.controller';

/** What a spec adds to the scenario app: its own tiny controllers, providers and modules. */
export interface SessionsExtras {
  readonly controllers?: readonly Type[];
  readonly providers?: readonly Provider[];
  readonly imports?: ModuleMetadata['imports'];
}

/**
 * The reference app's session routes (/auth/login, /auth/csrf, /auth/logout, /auth/sessions,
 * /auth/logout-all, /auth/token), /me, /notes and /health, plus whatever a spec adds.
 */
@Module({})
export class SessionsModule {
  static with(options: SecurityModuleOptions, extras: SessionsExtras = {}): DynamicModule {
    return {
      module: SessionsModule,
      imports: [
        SecurityModule.forRoot({
          throttling: GENEROUS_THROTTLING,
          ...options,
          userProvider: DemoUsersService,
        }),
        ...(extras.imports ?? []),
      ],
      controllers: [
        AuthController,
        MeController,
        NotesController,
        HealthController,
        ...(extras.controllers ?? []),
      ],
      providers: [...(extras.providers ?? [])],
    };
  }
}
