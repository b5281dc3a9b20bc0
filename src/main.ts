import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { PrototypedExpressAdapter } from '@rampart/security/express';
import { AppModule } from './app.module';
import { httpsOptionsFromEnv } from './security-options';

async function bootstrap(): Promise<void> {
  const adapter = process.env.ADAPTER ?? 'express';
  const port = Number(process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a port number, got "${process.env.PORT ?? ''}".`);
  }
  const httpsOptions = httpsOptionsFromEnv(process.env);
  const app =
    adapter === 'fastify'
      ? await NestFactory.create<NestFastifyApplication>(
          AppModule,
          new FastifyAdapter(httpsOptions === undefined ? {} : { https: httpsOptions }),
        )
      : adapter === 'express'
        ? await NestFactory.create(
            AppModule,
            // Requests born with Express's prototypes: see PrototypedExpressAdapter.
            new PrototypedExpressAdapter(),
            // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- Nest's options type is a class of optional fields, documented to take a literal
            httpsOptions === undefined ? {} : { httpsOptions },
          )
        : undefined;
  if (app === undefined)
    throw new Error(`ADAPTER must be "express" or "fastify", got "${adapter}".`);
  app.enableShutdownHooks();
  await app.listen(port, process.env.HOST ?? '127.0.0.1');
  new Logger('Bootstrap').log(`Reference app listening on ${await app.getUrl()} (${adapter})`);
}

bootstrap().catch((error: unknown) => {
  new Logger('Bootstrap').error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
