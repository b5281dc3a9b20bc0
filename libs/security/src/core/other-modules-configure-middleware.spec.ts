import { Injectable, Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { otherModulesConfigureMiddleware } from './other-modules-configure-middleware';

@Injectable()
class NoopMiddleware {
  use(_request: unknown, _response: unknown, next: () => void): void {
    next();
  }
}

/** Stands in for SecurityModule: it has configure() itself, and is the one left out. */
@Module({})
class SelfModule implements NestModule {
  configure(): void {
    // nothing: only its presence matters
  }
}

@Module({})
class PlainModule {}

@Module({ providers: [NoopMiddleware] })
class MiddlewareModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(NoopMiddleware).forRoutes('*');
  }
}

/** Has configure() but applies nothing: still counted. */
@Module({})
class EmptyConfigureModule implements NestModule {
  configure(): void {
    // applies nothing
  }
}

async function answerFor(...imports: (typeof PlainModule)[]): Promise<boolean> {
  const moduleRef = await Test.createTestingModule({ imports: [SelfModule, ...imports] }).compile();
  const answer = otherModulesConfigureMiddleware(
    moduleRef.get(ModulesContainer),
    moduleRef.get(SelfModule),
  );
  await moduleRef.close();
  return answer;
}

describe('otherModulesConfigureMiddleware', () => {
  it('is false when no module but the caller has configure()', async () => {
    await expect(answerFor(PlainModule)).resolves.toBe(false);
  });

  it('is true when another module applies Nest middleware', async () => {
    await expect(answerFor(PlainModule, MiddlewareModule)).resolves.toBe(true);
  });

  it('is true for a configure() that applies nothing: it errs towards "there may be some"', async () => {
    await expect(answerFor(EmptyConfigureModule)).resolves.toBe(true);
  });

  it("counts the caller's own configure() only when the caller is another instance", async () => {
    const moduleRef = await Test.createTestingModule({ imports: [SelfModule] }).compile();
    const modules = moduleRef.get(ModulesContainer);
    expect(otherModulesConfigureMiddleware(modules, moduleRef.get(SelfModule))).toBe(false);
    expect(otherModulesConfigureMiddleware(modules, {})).toBe(true);
    await moduleRef.close();
  });
});
