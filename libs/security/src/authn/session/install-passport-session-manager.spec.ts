import type { AbstractHttpAdapter } from '@nestjs/core';
import { SecurityConfigurationError } from '../../errors/security-configuration.error';
import {
  installPassportSessionManager,
  rememberResponse,
} from './install-passport-session-manager';
import type { PassportSessionManager } from './passport-session-manager';
import type { SessionService } from './session.service';

function adapter(type: string, instance: object): AbstractHttpAdapter {
  return { getType: () => type, getInstance: () => instance } as unknown as AbstractHttpAdapter;
}

/** A SessionService that records the responses it is asked to log in on. */
function recordingSessions(): { sessions: SessionService; responses: unknown[] } {
  const responses: unknown[] = [];
  const sessions = {
    login: (_request: unknown, response: unknown) => {
      responses.push(response);
      return Promise.resolve({ csrfToken: 'x' });
    },
  } as unknown as SessionService;
  return { sessions, responses };
}

const user = { id: 'u-1', username: 'alice', roles: ['user'] };

function logIn(manager: PassportSessionManager, request: object): Promise<unknown> {
  return new Promise((resolve) => {
    manager.logIn(request as never, user, {}, resolve);
  });
}

describe('installPassportSessionManager', () => {
  it.each(['express', 'fastify'] as const)(
    "gives every request of a %s app one manager that logs in on the request's response, and ignores passport's assignment",
    async (type) => {
      const { sessions, responses } = recordingSessions();
      const proto: Record<string, unknown> = {};
      const instance =
        type === 'express'
          ? { use: () => undefined, request: proto }
          : {
              decorateRequest: (
                name: string,
                { getter, setter }: { getter(): unknown; setter(value: unknown): void },
              ) => Object.defineProperty(proto, name, { get: getter, set: setter }),
            };
      installPassportSessionManager(adapter(type, instance), sessions);
      const request = Object.create(proto) as Record<string, unknown>;
      const response = { kind: 'response' };
      rememberResponse(request, response);
      request._sessionManager = { passports: 'own manager' };
      expect(Object.keys(request)).toEqual([]);
      const manager = request._sessionManager as PassportSessionManager;
      await expect(logIn(manager, request)).resolves.toBeUndefined();
      expect(responses).toEqual([response]);
    },
  );

  it('refuses req.login() on a request the authentication guard never saw', async () => {
    const proto = {};
    installPassportSessionManager(
      adapter('express', { use: () => undefined, request: proto }),
      recordingSessions().sessions,
    );
    const request = Object.create(proto) as { _sessionManager: PassportSessionManager };
    const error = await logIn(request._sessionManager, request);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain("did not pass Rampart's authentication guard");
  });

  it('adds nothing to an Express request (it has req.res), and still refuses one the guard never saw', async () => {
    const { sessions, responses } = recordingSessions();
    const proto = {};
    installPassportSessionManager(
      adapter('express', { use: () => undefined, request: proto }),
      sessions,
    );
    const expressRequest = (): Record<string | symbol, unknown> => {
      const request = Object.create(proto) as Record<string | symbol, unknown>;
      request.res = { kind: 'express response' };
      return request;
    };
    const passed = expressRequest();
    rememberResponse(passed, passed.res);
    expect(Reflect.ownKeys(passed)).toEqual(['res']);
    await expect(
      logIn(passed._sessionManager as PassportSessionManager, passed),
    ).resolves.toBeUndefined();
    expect(responses).toEqual([passed.res]);
    const unseen = expressRequest();
    const error = await logIn(unseen._sessionManager as PassportSessionManager, unseen);
    expect((error as Error).message).toContain("did not pass Rampart's authentication guard");
    expect(responses).toHaveLength(1);
  });

  it('stops start-up on another adapter, naming the option', () => {
    expect(() => {
      installPassportSessionManager(adapter('koa', {}), recordingSessions().sessions);
    }).toThrow(SecurityConfigurationError);
    expect(() => {
      installPassportSessionManager(adapter('koa', {}), recordingSessions().sessions);
    }).toThrow(/session/);
  });
});
