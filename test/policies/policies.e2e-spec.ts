import type { INestApplication } from '@nestjs/common';
import { TokenService, type Principal } from '@rampart/security';
import { collectSecurityEvents, type SecurityEventCollector } from '@rampart/security/testing';
import request from 'supertest';
import { MATRIX, startApp, storeOptions } from '../support/apps';
import { es256KeyPair } from '../support/jwt-forge';
import { PoliciesScenarioModule } from './app.module';

const keys = es256KeyPair();
const FORBIDDEN = {
  statusCode: 403,
  code: 'SECURITY_FORBIDDEN',
  message: 'You do not have permission to access this resource.',
};

describe.each(MATRIX)('authorization policies (%s, %s store)', (adapter, store) => {
  let app: INestApplication;
  let audit: SecurityEventCollector;
  const tokens: Record<'alice' | 'bob' | 'admin', string> = { alice: '', bob: '', admin: '' };
  const users: Record<keyof typeof tokens, Omit<Principal, 'authMethod'>> = {
    alice: { id: 'u-alice', username: 'alice', roles: ['user'] },
    bob: { id: 'u-bob', username: 'bob', roles: ['user'] },
    admin: { id: 'u-admin', username: 'admin', roles: ['admin'] },
  };
  const get = (path: string, as?: keyof typeof tokens, headers: Record<string, string> = {}) => {
    const call = request(app.getHttpServer()).get(path).set(headers);
    return as === undefined ? call : call.set('Authorization', `Bearer ${tokens[as]}`);
  };

  beforeAll(async () => {
    app = await startApp(
      PoliciesScenarioModule.with({
        environment: 'test',
        jwt: {
          issuer: 'https://issuer.test',
          audience: 'api.test',
          keys: [{ kid: 'k1', privateKey: keys.privatePem }],
        },
        store: storeOptions(store),
      }),
      adapter,
    );
    const issuer = app.get(TokenService);
    for (const name of ['alice', 'bob', 'admin'] as const) {
      tokens[name] = issuer.issueAccessToken(users[name]).accessToken;
    }
  });
  beforeEach(() => {
    audit = collectSecurityEvents(app);
  });
  afterEach(() => {
    audit.stop();
  });
  afterAll(() => app.close());

  it('lets the owner read the note (async policy with an injected service)', async () => {
    const response = await get('/notes/n-alice', 'alice');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ id: 'n-alice', ownerId: 'u-alice', text: "alice's note" });
    expect(audit.events).toEqual([]);
  });

  it('refuses another user with 403 SECURITY_FORBIDDEN and a policy.denied event', async () => {
    const response = await get('/notes/n-alice', 'bob');
    expect(response.status).toBe(403);
    expect(response.body).toEqual(FORBIDDEN);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(audit.ofType('policy.denied')).toEqual([
      {
        type: 'policy.denied',
        policy: 'notes.owner',
        route: 'NotesController.read',
        userId: 'u-bob',
        at: expect.any(Number),
      },
    ]);
  });

  it('refuses an anonymous caller with 401 before any policy runs', async () => {
    const response = await get('/notes/n-alice');
    expect(response.status).toBe(401);
    expect(response.body).toEqual({
      statusCode: 401,
      code: 'SECURITY_AUTHENTICATION_REQUIRED',
      message: 'Authentication is required.',
    });
    expect(audit.events).toEqual([]);
  });

  it('answers with the HttpException a policy throws (404 for a missing note)', async () => {
    const response = await get('/notes/n-nothing', 'alice');
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ statusCode: 404, message: 'No such note.' });
    expect(audit.events).toEqual([]);
  });

  it('does not let an admin past a policy that does not say so', async () => {
    await get('/notes/n-alice', 'admin').expect(403, FORBIDDEN);
  });

  it('lets an admin past a policy that says so, and still the owner, not another user', async () => {
    await get('/notes/n-alice/managed', 'admin').expect(200);
    await get('/notes/n-alice/managed', 'alice').expect(200);
    await get('/notes/n-alice/managed', 'bob').expect(403, FORBIDDEN);
  });

  it('denies with 403 when a policy throws, without leaking the error text', async () => {
    const response = await get('/misc/explodes', 'alice');
    expect(response.status).toBe(403);
    expect(response.body).toEqual(FORBIDDEN);
    expect(response.text).not.toMatch(/hunter2|db-internal|Error/);
    expect(audit.ofType('policy.error')).toEqual([
      {
        type: 'policy.error',
        policy: 'explodes',
        route: 'MiscController.explodes',
        userId: 'u-alice',
        error: 'Error',
        at: expect.any(Number),
      },
    ]);
  });

  it('denies a policy that returns a truthy non-boolean', async () => {
    await get('/misc/sloppy', 'alice').expect(403, FORBIDDEN);
  });

  it('resolves a request-scoped policy per request, with the request injected', async () => {
    await get('/misc/tenant', 'alice', { 'X-Tenant': 'acme' }).expect(200, {
      tenant: 'acme',
      user: 'alice',
    });
    await get('/misc/tenant', 'alice', { 'X-Tenant': 'other' }).expect(403, FORBIDDEN);
    await get('/misc/tenant', 'bob', { 'X-Tenant': 'acme' }).expect(200, {
      tenant: 'acme',
      user: 'bob',
    });
  });
});
