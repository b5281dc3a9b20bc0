import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import express from 'express';
import type { FastifyInstance } from 'fastify';
import request from 'supertest';
import { SecurityConfigurationError } from '../../errors/security-configuration.error';
import { applyHeaderPlan } from './header-plan';
import { installSecurityHeaders } from './install-security-headers';
import { resolveSecurityHeadersOptions } from './resolve-security-headers-options';

const { plan } = resolveSecurityHeadersOptions(undefined);

describe('installSecurityHeaders', () => {
  describe('on Express', () => {
    it('switches x-powered-by off and adds a middleware and an error middleware', () => {
      const adapter = new ExpressAdapter();
      const app = adapter.getInstance<express.Express>();
      const disable = jest.spyOn(app, 'disable');
      const use = jest.spyOn(app, 'use');
      installSecurityHeaders(adapter, plan);
      expect(disable).toHaveBeenCalledWith('x-powered-by');
      const arities = use.mock.calls.map((args) => {
        const handler: unknown = args[0];
        return typeof handler === 'function' ? handler.length : -1;
      });
      expect(arities).toEqual([3, 4]);
    });

    it('puts the headers on routes and on 404s, without X-Powered-By', async () => {
      const adapter = new ExpressAdapter();
      const app = adapter.getInstance<express.Express>();
      installSecurityHeaders(adapter, plan);
      app.get('/ok', (_request, response) => {
        response.json({ ok: true });
      });
      for (const path of ['/ok', '/missing']) {
        const response = await request(app).get(path);
        expect(response.headers['x-frame-options']).toBe('DENY');
        expect(response.headers['strict-transport-security']).toBe(
          'max-age=31536000; includeSubDomains',
        );
        expect(response.headers['x-powered-by']).toBeUndefined();
      }
    });

    it('puts the headers on errors raised by middleware installed before it (malformed JSON)', async () => {
      const adapter = new ExpressAdapter();
      const app = adapter.getInstance<express.Express>();
      app.use(express.json());
      installSecurityHeaders(adapter, plan);
      app.post('/echo', (request_, response) => {
        response.json(request_.body);
      });
      const response = await request(app)
        .post('/echo')
        .set('content-type', 'application/json')
        .send('{bad');
      expect(response.status).toBe(400);
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['referrer-policy']).toBe('no-referrer');
    });

    it('keeps X-Powered-By when its removal is waived', async () => {
      const waived = resolveSecurityHeadersOptions({
        xPoweredBy: false,
        dangerouslyDisable: ['xPoweredBy'],
      });
      const adapter = new ExpressAdapter();
      const app = adapter.getInstance<express.Express>();
      const disable = jest.spyOn(app, 'disable');
      installSecurityHeaders(adapter, waived.plan);
      app.get('/ok', (_request, response) => {
        response.json({});
      });
      expect(disable).not.toHaveBeenCalled();
      expect((await request(app).get('/ok')).headers['x-powered-by']).toBe('Express');
    });
  });

  // Through a real server: light-my-request (fastify.inject) pulls an ES-module-only dependency
  // that this Jest setup does not transform.
  describe('on Fastify', () => {
    async function fastifyWith(
      setup: (fastify: FastifyInstance) => void,
    ): Promise<FastifyInstance> {
      const adapter = new FastifyAdapter();
      const fastify = adapter.getInstance<FastifyInstance>();
      setup(fastify);
      installSecurityHeaders(adapter, plan);
      fastify.get('/ok', () => ({ ok: true }));
      fastify.get('/framable', (_request, reply) => {
        applyHeaderPlan(reply, { set: [], remove: ['X-Frame-Options'] });
        return { ok: true };
      });
      await fastify.ready();
      return fastify;
    }

    it('adds an onRequest and an onSend hook', () => {
      const adapter = new FastifyAdapter();
      const addHook = jest.spyOn(adapter.getInstance<FastifyInstance>(), 'addHook');
      installSecurityHeaders(adapter, plan);
      expect(addHook.mock.calls.map(([name]) => name)).toEqual(['onRequest', 'onSend']);
    });

    it.each([
      ['no option (there may be Nest middleware)', {}, 1],
      ['nestMiddleware: true', { nestMiddleware: true }, 1],
      ['nestMiddleware: false (the application has none)', { nestMiddleware: false }, 0],
    ] as const)(
      'with %s, adds %i middie middleware ahead of the Nest middleware',
      async (_case, options, calls) => {
        const adapter = new FastifyAdapter();
        await adapter.init(); // registers @fastify/middie, as NestFactory.create() does
        const use = jest.spyOn(adapter, 'use');
        installSecurityHeaders(adapter, plan, options);
        expect(use).toHaveBeenCalledTimes(calls);
        await adapter.close();
      },
    );

    it('puts the headers on routes and on 404s', async () => {
      const fastify = await fastifyWith(() => undefined);
      for (const url of ['/ok', '/missing']) {
        const response = await request(fastify.server).get(url);
        expect(response.headers['x-content-type-options']).toBe('nosniff');
        expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      }
      await fastify.close();
    });

    it('puts the headers on a reply sent by an earlier onRequest hook', async () => {
      const fastify = await fastifyWith((instance) => {
        instance.addHook('onRequest', (_request, reply, done) => {
          if (_request.url === '/early') void reply.code(204).send();
          else done();
        });
      });
      const response = await request(fastify.server).get('/early');
      expect(response.status).toBe(204);
      expect(response.headers['x-frame-options']).toBe('DENY');
      await fastify.close();
    });

    it('applies the plan once per request, so it never undoes a later change', async () => {
      const fastify = await fastifyWith(() => undefined);
      const response = await request(fastify.server).get('/framable');
      expect(response.headers['x-frame-options']).toBeUndefined();
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      await fastify.close();
    });
  });

  describe('fails closed', () => {
    it('refuses an adapter type it does not know', () => {
      class KoaAdapter extends ExpressAdapter {
        override getType(): string {
          return 'koa';
        }
      }
      expect(() => {
        installSecurityHeaders(new KoaAdapter(), plan);
      }).toThrow(SecurityConfigurationError);
      expect(() => {
        installSecurityHeaders(new KoaAdapter(), plan);
      }).toThrow(/"koa" HTTP adapter/);
    });

    it('refuses an adapter whose instance lacks the methods it needs', () => {
      const adapter = new FastifyAdapter();
      jest.spyOn(adapter, 'getInstance').mockReturnValue({});
      expect(() => {
        installSecurityHeaders(adapter, plan);
      }).toThrow(/lacks addHook\(\)/);
    });

    it('refuses a second installation on the same adapter', () => {
      const adapter = new ExpressAdapter();
      installSecurityHeaders(adapter, plan);
      expect(() => {
        installSecurityHeaders(adapter, plan);
      }).toThrow(/already installed/);
    });
  });
});
