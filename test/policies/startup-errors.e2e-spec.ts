import { Controller, Get, Injectable, Module, type Type } from '@nestjs/common';
import {
  Policies,
  Public,
  SecurityConfigurationError,
  SecurityModule,
  SecurityPolicy,
  type PolicyHandler,
} from '@rampart/security';
import { ADAPTERS, startApp } from '../support/apps';

const jwt = { issuer: 'https://issuer.test', audience: 'api.test' };

@SecurityPolicy('notes.owner')
@Injectable()
class NotesOwnerPolicy implements PolicyHandler {
  handle(): boolean {
    return true;
  }
}

@SecurityPolicy('notes.owner')
@Injectable()
class CopiedOwnerPolicy implements PolicyHandler {
  handle(): boolean {
    return true;
  }
}

@SecurityPolicy('notes.reader')
@Injectable()
class HandlelessPolicy {
  check(): boolean {
    return true;
  }
}

@Controller('notes')
class TypoController {
  @Policies('notes.ownr')
  @Get()
  list(): string {
    return 'x';
  }
}

@Controller('notes')
class PublicController {
  @Public()
  @Policies('notes.owner')
  @Get()
  list(): string {
    return 'x';
  }
}

@Module({ providers: [CopiedOwnerPolicy] })
class OtherModule {}

function appWith(controllers: Type[], providers: Type[], imports: Type[] = []): Type {
  @Module({ imports: [SecurityModule.forRoot({ jwt }), ...imports], controllers, providers })
  class AppModule {}
  return AppModule;
}

describe.each(ADAPTERS)('policy misconfiguration stops bootstrap (%s)', (adapter) => {
  it.each<[string, Type, string, RegExp]>([
    [
      'a @Policies() name that no provider registers',
      appWith([TypoController], [NotesOwnerPolicy]),
      '@Policies() on TypoController.list',
      /names the policy "notes\.ownr", which no provider registers\. Fix: did you mean "notes\.owner"\?/,
    ],
    [
      'two providers claiming one name',
      appWith([], [NotesOwnerPolicy], [OtherModule]),
      "@SecurityPolicy('notes.owner')",
      /is claimed by two providers: .*NotesOwnerPolicy.* and .*Policy \(in \w+\)/,
    ],
    [
      '@Policies() combined with @Public()',
      appWith([PublicController], [NotesOwnerPolicy]),
      '@Policies() on PublicController.list',
      /is combined with @Public\(\).*Fix: remove one of the two decorators/,
    ],
    [
      'a @SecurityPolicy class without handle()',
      appWith([], [HandlelessPolicy]),
      "@SecurityPolicy('notes.reader') on HandlelessPolicy (in AppModule)",
      /is a provider without a handle\(\) method\. Fix: implement PolicyHandler/,
    ],
  ])('%s', async (_name, module, option, message) => {
    const error: unknown = await startApp(module, adapter).then(
      async (app) => {
        await app.close();
        return undefined;
      },
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(SecurityConfigurationError);
    const configuration = error as SecurityConfigurationError;
    expect(configuration.code).toBe('SECURITY_INVALID_OPTIONS');
    expect(configuration.option).toBe(option);
    expect(configuration.message).toMatch(message);
  });
});
