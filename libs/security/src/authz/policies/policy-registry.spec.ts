import {
  Controller,
  Get,
  Inject,
  Injectable,
  Module,
  Scope,
  type ModuleMetadata,
  type Provider,
} from '@nestjs/common';
import { DiscoveryModule, REQUEST } from '@nestjs/core';
import { Test, type TestingModule } from '@nestjs/testing';
import { Public } from '../../authn/public.decorator';
import { RouteDiscovery } from '../../core/route-discovery';
import type { SecurityRequest } from '../../core/security-request.interface';
import { SecurityConfigurationError } from '../../errors/security-configuration.error';
import { Policies } from './policies.decorator';
import type { PolicyContext, PolicyHandler } from './policy-handler.interface';
import { PolicyRegistry } from './policy-registry';
import { SecurityPolicy } from './security-policy.decorator';

@Injectable()
class NotesService {
  ownerOf(id: string): string | undefined {
    return id === 'n-1' ? 'u-alice' : undefined;
  }
}

@SecurityPolicy('notes.owner')
@Injectable()
class NotesOwnerPolicy implements PolicyHandler {
  constructor(readonly notes: NotesService) {}
  handle({ principal, params }: PolicyContext): boolean {
    return this.notes.ownerOf(params.id ?? '') === principal.id;
  }
}

@SecurityPolicy('notes.owner')
@Injectable()
class OtherOwnerPolicy implements PolicyHandler {
  handle(): boolean {
    return true;
  }
}

@SecurityPolicy('tenant.member')
@Injectable({ scope: Scope.REQUEST })
class TenantPolicy implements PolicyHandler {
  static created = 0;
  constructor(@Inject(REQUEST) readonly request: SecurityRequest) {
    TenantPolicy.created += 1;
  }
  handle(): boolean {
    return true;
  }
}

@SecurityPolicy('no.handle')
@Injectable()
class NoHandlePolicy {}

@Controller('notes')
class NotesController {
  @Policies('notes.owner')
  @Get(':id')
  read(): string {
    return 'note';
  }
}

@Controller('typo')
class TypoController {
  @Policies('notes.ownr')
  @Get()
  read(): string {
    return 'typo';
  }
}

@Controller('open')
class PublicController {
  @Public()
  @Policies('notes.owner')
  @Get()
  read(): string {
    return 'open';
  }
}

@Public()
@Controller('open-class')
class PublicClassController {
  @Policies('notes.owner')
  @Get()
  read(): string {
    return 'open';
  }
}

async function start(metadata: ModuleMetadata): Promise<TestingModule> {
  const ref = await Test.createTestingModule({
    ...metadata,
    imports: [DiscoveryModule, ...(metadata.imports ?? [])],
    providers: [RouteDiscovery, PolicyRegistry, ...(metadata.providers ?? [])],
  }).compile();
  await ref.init();
  return ref;
}

async function startupError(metadata: ModuleMetadata): Promise<SecurityConfigurationError> {
  const error: unknown = await start(metadata).then(
    async (ref) => {
      await ref.close();
      return undefined;
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SecurityConfigurationError);
  return error as SecurityConfigurationError;
}

function fakeRequest(params: Record<string, string> = {}): SecurityRequest {
  return { headers: {}, params } as SecurityRequest;
}

describe('PolicyRegistry', () => {
  it('registers a policy from another module with its dependencies injected', async () => {
    @Module({ providers: [NotesService, NotesOwnerPolicy] })
    class NotesModule {}
    const ref = await start({ imports: [NotesModule], controllers: [NotesController] });
    const registry = ref.get(PolicyRegistry);
    expect(registry.names).toEqual(['notes.owner']);
    expect(registry.has('notes.owner')).toBe(true);
    const handler = await registry.handlerFor('notes.owner', fakeRequest());
    expect(handler).toBeInstanceOf(NotesOwnerPolicy);
    expect((handler as NotesOwnerPolicy).notes).toBeInstanceOf(NotesService);
    expect(handler).toBe(await registry.handlerFor('notes.owner', fakeRequest()));
    await ref.close();
  });

  it('rejects an unknown name at request time (fail closed)', async () => {
    const ref = await start({});
    expect(() => ref.get(PolicyRegistry).handlerFor('nope', fakeRequest())).toThrow(
      /No provider registers the policy "nope"/,
    );
    await ref.close();
  });

  it('resolves a request-scoped policy once per request, with REQUEST injected', async () => {
    const ref = await start({ providers: [TenantPolicy] });
    const registry = ref.get(PolicyRegistry);
    const first = fakeRequest();
    const second = fakeRequest();
    const before = TenantPolicy.created;
    const a = (await registry.handlerFor('tenant.member', first)) as TenantPolicy;
    const again = (await registry.handlerFor('tenant.member', first)) as TenantPolicy;
    const b = (await registry.handlerFor('tenant.member', second)) as TenantPolicy;
    expect(a).toBeInstanceOf(TenantPolicy);
    expect(a).toBe(again);
    expect(b).not.toBe(a);
    expect(a.request).toBe(first);
    expect(b.request).toBe(second);
    expect(TenantPolicy.created - before).toBe(2);
    await ref.close();
  });

  it('counts a policy that depends on a request-scoped service as scoped', async () => {
    @Injectable({ scope: Scope.REQUEST })
    class RequestInfo {
      constructor(@Inject(REQUEST) readonly request: SecurityRequest) {}
    }
    @SecurityPolicy('info')
    @Injectable()
    class InfoPolicy implements PolicyHandler {
      constructor(readonly info: RequestInfo) {}
      handle(): boolean {
        return true;
      }
    }
    const ref = await start({ providers: [RequestInfo, InfoPolicy] });
    const request = fakeRequest();
    const handler = (await ref.get(PolicyRegistry).handlerFor('info', request)) as InfoPolicy;
    expect(handler.info.request).toBe(request);
    await ref.close();
  });

  it('registers a useValue override under the policy class token (tests)', async () => {
    const fake: PolicyHandler = { handle: () => false };
    const ref = await start({ providers: [{ provide: NotesOwnerPolicy, useValue: fake }] });
    expect(await ref.get(PolicyRegistry).handlerFor('notes.owner', fakeRequest())).toBe(fake);
    await ref.close();
  });

  it('registers a factory-built policy by the class of what the factory returns', async () => {
    const ref = await start({
      providers: [{ provide: 'OTHER', useFactory: () => new OtherOwnerPolicy() }],
    });
    expect(await ref.get(PolicyRegistry).handlerFor('notes.owner', fakeRequest())).toBeInstanceOf(
      OtherOwnerPolicy,
    );
    await ref.close();
  });

  it('does not count a useExisting alias as a second claim', async () => {
    const ref = await start({
      providers: [
        NotesService,
        NotesOwnerPolicy,
        { provide: 'ALIAS', useExisting: NotesOwnerPolicy },
      ],
    });
    expect(ref.get(PolicyRegistry).names).toEqual(['notes.owner']);
    await ref.close();
  });

  describe('stops start-up', () => {
    it('for a @Policies() name that no provider registers, suggesting the closest', async () => {
      const error = await startupError({
        providers: [NotesService, NotesOwnerPolicy],
        controllers: [TypoController],
      });
      expect(error.option).toBe('@Policies() on TypoController.read');
      expect(error.message).toContain('names the policy "notes.ownr", which no provider registers');
      expect(error.message).toContain('did you mean "notes.owner"?');
      expect(error.message).toContain("@SecurityPolicy('notes.ownr')");
      expect(error.message).toContain('registered policies: notes.owner');
    });

    it('for a name when no policy is registered at all', async () => {
      const error = await startupError({ controllers: [NotesController] });
      expect(error.message).toContain('"notes.owner", which no provider registers');
      expect(error.message).toContain('registered policies: none');
    });

    it('for two providers claiming one name, naming both and their modules', async () => {
      @Module({ providers: [NotesService, NotesOwnerPolicy] })
      class NotesModule {}
      @Module({ providers: [OtherOwnerPolicy] })
      class OtherModule {}
      const error = await startupError({ imports: [NotesModule, OtherModule] });
      expect(error.option).toBe("@SecurityPolicy('notes.owner')");
      expect(error.message).toMatch(
        /is claimed by two providers: (NotesOwnerPolicy \(in NotesModule\) and OtherOwnerPolicy \(in OtherModule\)|OtherOwnerPolicy \(in OtherModule\) and NotesOwnerPolicy \(in NotesModule\))/,
      );
      expect(error.message).toContain('give each policy its own name');
    });

    it('for one class registered in two modules', async () => {
      @Module({ providers: [OtherOwnerPolicy] })
      class FirstModule {}
      @Module({ providers: [OtherOwnerPolicy] })
      class SecondModule {}
      const error = await startupError({ imports: [FirstModule, SecondModule] });
      expect(error.message).toMatch(/claimed by two providers: OtherOwnerPolicy \(in \w+Module\)/);
      expect(error.message).toContain('register the class in the providers of one module only');
    });

    it.each<[string, Provider]>([
      ['a class', NoHandlePolicy],
      [
        'a request-scoped class',
        { provide: NoHandlePolicy, useClass: NoHandlePolicy, scope: Scope.REQUEST },
      ],
      ['a useValue without handle', { provide: NotesOwnerPolicy, useValue: { handle: 'yes' } }],
    ])('for %s without a handle() method', async (_name, provider) => {
      const error = await startupError({ providers: [provider] });
      expect(error.option).toMatch(/^@SecurityPolicy\('(no\.handle|notes\.owner)'\) on \w+ \(in /);
      expect(error.message).toContain('is a provider without a handle() method');
      expect(error.message).toContain('implement PolicyHandler');
    });

    it.each([
      ['the method', PublicController],
      ['the controller', PublicClassController],
    ])('for @Policies() with @Public() on %s', async (_name, controller) => {
      const error = await startupError({
        providers: [NotesService, NotesOwnerPolicy],
        controllers: [controller],
      });
      expect(error.option).toBe(`@Policies() on ${controller.name}.read`);
      expect(error.message).toContain('is combined with @Public()');
      expect(error.message).toContain('Fix: remove one of the two decorators');
    });
  });
});
