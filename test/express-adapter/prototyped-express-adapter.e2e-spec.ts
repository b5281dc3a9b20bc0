// PrototypedExpressAdapter: requests and responses are born with the Express application's
// prototypes, and everything else behaves as on Nest's ExpressAdapter: Rampart's security on every
// route, Express's request and response API, HTTPS, and the close options. Express only by nature:
// Fastify does not swap prototypes.
import { IncomingMessage, ServerResponse, request as httpRequest, type Server } from 'node:http';
import { Server as HttpsServer, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Controller, Get, Module, Req, Res, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { Public } from '@rampart/security';
import { PrototypedExpressAdapter } from '@rampart/security/express';
import {
  bearer,
  createSecurityTestingApp,
  createSecurityTestingModule,
} from '@rampart/security/testing';
import type { Request, Response } from 'express';
import request from 'supertest';
import { testPki } from '../support/certificates';
import { ADMIN, AppModule, USER } from '../testing-kit/app.module';

interface Born {
  readonly request: boolean;
  readonly response: boolean;
}

/** Whether the next request reaches the server with the Express application's prototypes. */
async function prototypesOnArrival(app: INestApplication): Promise<Born> {
  const server = app.getHttpServer() as Server;
  const express = app.getHttpAdapter().getInstance() as { request: object; response: object };
  let seen: Born | undefined;
  const probe = (req: IncomingMessage, res: ServerResponse): void => {
    seen = {
      request: Object.getPrototypeOf(req) === express.request,
      response: Object.getPrototypeOf(res) === express.response,
    };
  };
  // Ahead of Express's own listener, which would swap them.
  server.prependListener('request', probe);
  try {
    await request(server).get('/public').expect(200);
  } finally {
    server.removeListener('request', probe);
  }
  if (seen === undefined) throw new Error('the probe saw no request');
  return seen;
}

describe('PrototypedExpressAdapter', () => {
  describe('with SecurityModule (the testing kit app)', () => {
    let app: INestApplication;

    beforeAll(async () => {
      app = await createSecurityTestingApp(createSecurityTestingModule({ imports: [AppModule] }), {
        httpAdapter: new PrototypedExpressAdapter(),
        logger: false,
      });
    });
    afterAll(() => app.close());

    it('creates requests and responses with the Express application prototypes', async () => {
      await expect(prototypesOnArrival(app)).resolves.toEqual({ request: true, response: true });
    });

    it('keeps them Node.js requests and responses', async () => {
      const server = app.getHttpServer() as Server;
      let kinds: [boolean, boolean] | undefined;
      const probe = (req: IncomingMessage, res: ServerResponse): void => {
        kinds = [req instanceof IncomingMessage, res instanceof ServerResponse];
      };
      server.prependListener('request', probe);
      await request(server).get('/public').expect(200);
      server.removeListener('request', probe);
      expect(kinds).toEqual([true, true]);
    });

    it('refuses anonymous callers, with the security headers', async () => {
      const response = await request(app.getHttpServer()).get('/protected').expect(401);
      expect(response.body).toMatchObject({
        statusCode: 401,
        code: 'SECURITY_AUTHENTICATION_REQUIRED',
      });
      expect(response.headers['www-authenticate']).toBe('Bearer');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['strict-transport-security']).toMatch(/max-age=31536000/);
      expect(response.headers['x-powered-by']).toBeUndefined();
    });

    it('lets a user in, with no-store, and keeps them out of admin routes', async () => {
      const response = await request(app.getHttpServer())
        .get('/protected')
        .set(bearer(app, USER))
        .expect(200);
      expect(response.body).toEqual({ id: USER.id, username: USER.username, roles: USER.roles });
      expect(response.headers['cache-control']).toBe('no-store');
      await request(app.getHttpServer()).get('/admin').set(bearer(app, USER)).expect(403);
      await request(app.getHttpServer()).get('/admin').set(bearer(app, ADMIN)).expect(200);
    });

    it('answers a thousand requests in a row, each one authenticated on its own', async () => {
      const server = app.getHttpServer() as Server;
      const statuses: number[] = [];
      for (let index = 0; index < 1_000; index += 1) {
        const authorised = index % 2 === 0;
        const call = request(server).get('/protected');
        const response = await (authorised ? call.set(bearer(app, USER)) : call);
        statuses.push(response.status);
      }
      expect(statuses.filter((status, index) => status !== (index % 2 === 0 ? 200 : 401))).toEqual(
        [],
      );
    });
  });

  describe('Express request and response API', () => {
    @Controller()
    class ExpressApiController {
      @Public()
      @Get('echo')
      echo(@Req() req: Request, @Res() res: Response): void {
        res
          .status(202)
          .type('json')
          .set('X-Echo', req.get('x-probe') ?? 'none')
          .send({ query: req.query, path: req.path, hostname: req.hostname, xhr: req.xhr });
      }
    }

    @Module({ controllers: [ExpressApiController] })
    class ExpressApiModule {}

    let app: INestApplication;

    beforeAll(async () => {
      app = await NestFactory.create(ExpressApiModule, new PrototypedExpressAdapter(), {
        logger: false,
      });
      await app.init();
    });
    afterAll(() => app.close());

    it("serves Express's request getters and response helpers", async () => {
      const response = await request(app.getHttpServer())
        .get('/echo?colour=blue&size=2')
        .set('X-Probe', 'here')
        .set('X-Requested-With', 'XMLHttpRequest')
        .expect(202);
      expect(response.headers['x-echo']).toBe('here');
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.body).toEqual({
        query: { colour: 'blue', size: '2' },
        path: '/echo',
        hostname: '127.0.0.1',
        xhr: true,
      });
    });
  });

  describe('against Nest’s ExpressAdapter', () => {
    it('the stock adapter creates them with Node.js prototypes, which Express then swaps', async () => {
      const app = await createSecurityTestingApp(
        createSecurityTestingModule({ imports: [AppModule] }),
        { httpAdapter: new ExpressAdapter(), logger: false },
      );
      try {
        await expect(prototypesOnArrival(app)).resolves.toEqual({
          request: false,
          response: false,
        });
      } finally {
        await app.close();
      }
    });
  });

  describe('application options', () => {
    @Controller()
    class HangingController {
      @Public()
      @Get('hang')
      hang(): Promise<never> {
        return new Promise(() => undefined);
      }
    }

    @Module({ controllers: [HangingController] })
    class HangingModule {}

    @Controller()
    class ProbeController {
      @Get('probe')
      probe(@Req() req: Request): { secure: boolean } {
        return { secure: req.secure };
      }
    }

    @Module({ controllers: [ProbeController] })
    class ProbeModule {}

    it('httpsOptions: an HTTPS server whose requests arrive with the prototypes', async () => {
      const pki = await testPki();
      const app = await NestFactory.create(ProbeModule, new PrototypedExpressAdapter(), {
        logger: false,
        httpsOptions: { key: pki.server.key, cert: pki.server.cert },
      });
      try {
        await app.listen(0, '127.0.0.1');
        const server = app.getHttpServer() as HttpsServer;
        expect(server).toBeInstanceOf(HttpsServer);
        const express = app.getHttpAdapter().getInstance() as { request: object };
        let born: boolean | undefined;
        server.prependListener('request', (req: IncomingMessage) => {
          born = Object.getPrototypeOf(req) === express.request;
        });
        const { port } = server.address() as AddressInfo;
        const body = await new Promise<string>((resolve, reject) => {
          const call = httpsRequest(
            { host: '127.0.0.1', port, path: '/probe', ca: pki.ca },
            (response) => {
              let text = '';
              response.setEncoding('utf8');
              response.on('data', (chunk: string) => (text += chunk));
              response.on('end', () => {
                resolve(text);
              });
            },
          );
          call.on('error', reject);
          call.end();
        });
        expect(JSON.parse(body)).toEqual({ secure: true });
        expect(born).toBe(true);
      } finally {
        await app.close();
      }
    });

    it('forceCloseConnections: close() ends a request in flight', async () => {
      const app = await NestFactory.create(HangingModule, new PrototypedExpressAdapter(), {
        logger: false,
        forceCloseConnections: true,
      });
      await app.listen(0, '127.0.0.1');
      const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
      const outcome = new Promise<string>((resolve) => {
        const call = httpRequest({ host: '127.0.0.1', port, path: '/hang' }, () => {
          resolve('answered');
        });
        call.on('error', (error: NodeJS.ErrnoException) => {
          resolve(error.code ?? error.message);
        });
        call.end();
      });
      // Wait until the request is in flight, then close.
      await new Promise<void>((resolve) => {
        (app.getHttpServer() as Server).once('request', () => {
          resolve();
        });
      });
      await app.close();
      await expect(outcome).resolves.toBe('ECONNRESET');
    });
  });
});
