import {
  ConfigurableModuleBuilder,
  type DynamicModule,
  type ModuleMetadata,
  type Provider,
  type Type,
} from '@nestjs/common';
import { CredentialsService } from '../authn/credentials.service';
import type { UserProvider } from '../authn/user-provider.interface';
import type { SecurityModuleOptions } from './security-module-options.interface';
import { USER_PROVIDER } from './security.tokens';

/** Module-definition options that are not security options (kept out of the resolved options). */
export interface SecurityModuleExtras {
  /** Register the module globally (its services injectable everywhere). @default true */
  readonly isGlobal?: boolean;
  /**
   * The application's {@link UserProvider} class; Rampart instantiates it with Nest's DI. Needed
   * for password login (`CredentialsService`) and claim mapping.
   */
  readonly userProvider?: Type<UserProvider>;
  /** Modules the user provider depends on (with forRootAsync, `imports` serves both). */
  readonly imports?: ModuleMetadata['imports'];
}

function addUserProvider(definition: DynamicModule, extras: SecurityModuleExtras): DynamicModule {
  const imports = [...new Set([...(definition.imports ?? []), ...(extras.imports ?? [])])];
  const providers: Provider[] = [...(definition.providers ?? [])];
  const exports = [...(definition.exports ?? [])];
  if (extras.userProvider !== undefined) {
    providers.push({ provide: USER_PROVIDER, useClass: extras.userProvider }, CredentialsService);
    exports.push(USER_PROVIDER, CredentialsService);
  }
  return { ...definition, global: extras.isGlobal ?? true, imports, providers, exports };
}

export const {
  ConfigurableModuleClass: ConfigurableSecurityModule,
  MODULE_OPTIONS_TOKEN: SECURITY_MODULE_OPTIONS,
  OPTIONS_TYPE: SECURITY_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: SECURITY_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<SecurityModuleOptions>({ moduleName: 'Security' })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createSecurityOptions')
  .setExtras<SecurityModuleExtras>(
    { isGlobal: true, userProvider: undefined, imports: [] },
    addUserProvider,
  )
  .build();
