import type { ExecutionContext } from '@nestjs/common';
import {
  type TestPki,
  connectionRequests,
  testPki,
} from '../../../../../test/support/certificates';
import type { SecurityRequest } from '../../core/security-request.interface';
import { InvalidCertificateException } from '../../errors/invalid-certificate.exception';
import { SecurityConfigurationError } from '../../errors/security-configuration.error';
import type { SecurityUser, UserProvider } from '../user-provider.interface';
import type { ClientCertificate } from './client-certificate';
import { MtlsAuthenticator } from './mtls.authenticator';
import { resolveMtlsOptions, type ResolvedMtlsOptions } from './resolve-mtls-options';

const OPTIONS: ResolvedMtlsOptions = resolveMtlsOptions({})!;
const USERS: Readonly<Record<string, SecurityUser>> = {
  alice: { id: 'u-alice', username: 'alice', roles: ['user'] },
  admin: { id: 'u-admin', username: 'admin', roles: ['admin'] },
};

class CertificateUsers implements UserProvider {
  readonly seen: ClientCertificate[] = [];
  findById(): Promise<SecurityUser | undefined> {
    return Promise.resolve(undefined);
  }
  verifyCredentials(): Promise<SecurityUser | undefined> {
    return Promise.resolve(undefined);
  }
  findByCertificate(certificate: ClientCertificate): Promise<SecurityUser | undefined> {
    this.seen.push(certificate);
    return Promise.resolve(USERS[certificate.commonName ?? '']);
  }
}

const contextOf = (request: SecurityRequest): ExecutionContext =>
  ({ switchToHttp: () => ({ getRequest: () => request }) }) as unknown as ExecutionContext;

describe('MtlsAuthenticator', () => {
  let pki: TestPki;
  const { requestOver, closeAll } = connectionRequests();

  beforeAll(async () => {
    pki = await testPki();
  });
  afterEach(async () => {
    await closeAll();
  });

  describe('at start-up', () => {
    it('refuses to start without a user provider, naming mtls and the fix', () => {
      expect(() => new MtlsAuthenticator(OPTIONS, undefined)).toThrow(SecurityConfigurationError);
      expect(() => new MtlsAuthenticator(OPTIONS, undefined)).toThrow(
        /"mtls" needs a user provider.*Fix: pass `userProvider`.*findByCertificate/,
      );
    });

    it('refuses to start when the user provider cannot map certificates', () => {
      const users: UserProvider = {
        findById: () => Promise.resolve(undefined),
        verifyCredentials: () => Promise.resolve(undefined),
      };
      expect(() => new MtlsAuthenticator(OPTIONS, users)).toThrow(
        /"mtls" needs the user provider to implement findByCertificate.*Fix: add findByCertificate/,
      );
    });

    it('refuses findByCertificate that is not a function (JavaScript callers)', () => {
      const users = { findByCertificate: 'alice' } as unknown as UserProvider;
      expect(() => new MtlsAuthenticator(OPTIONS, users)).toThrow(SecurityConfigurationError);
    });
  });

  describe('presentsCredentials', () => {
    const authenticator = (): MtlsAuthenticator =>
      new MtlsAuthenticator(OPTIONS, new CertificateUsers());

    it('is false without a client certificate', async () => {
      expect(authenticator().presentsCredentials(await requestOver({ tls: { pki } }))).toBe(false);
      expect(authenticator().presentsCredentials(await requestOver({}))).toBe(false);
    });

    it.each([
      ['a verified', (p: TestPki) => p.alice],
      ['an untrusted', (p: TestPki) => p.rogueAlice],
    ])(
      'is true with %s certificate (an untrusted one must answer 401, not fall through)',
      async (_name, pick) => {
        const request = await requestOver({ tls: { pki, client: pick(pki) } });
        expect(authenticator().presentsCredentials(request)).toBe(true);
      },
    );

    it.each(['Bearer abc', 'bearer abc', 'BEARER  abc'])(
      'yields to an Authorization header %p, whose binding the bearer verifier checks',
      async (authorization) => {
        const request = await requestOver({ tls: { pki, client: pki.alice } }, { authorization });
        expect(authenticator().presentsCredentials(request)).toBe(false);
      },
    );

    it('does not yield to another Authorization scheme', async () => {
      const request = await requestOver(
        { tls: { pki, client: pki.alice } },
        { authorization: 'Basic YWxpY2U6eA==' },
      );
      expect(authenticator().presentsCredentials(request)).toBe(true);
    });
  });

  describe('authenticate', () => {
    it('maps a verified certificate to a principal with authMethod mtls', async () => {
      const users = new CertificateUsers();
      const request = await requestOver({ tls: { pki, client: pki.alice } });
      const principal = await new MtlsAuthenticator(OPTIONS, users).authenticate(
        contextOf(request),
      );
      expect(principal).toEqual({
        id: 'u-alice',
        username: 'alice',
        roles: ['user'],
        authMethod: 'mtls',
      });
      expect(Object.isFrozen(principal.roles)).toBe(true);
      expect(principal.roles).not.toBe(USERS.alice!.roles);
      expect(users.seen).toHaveLength(1);
      expect(users.seen[0]).toMatchObject({ commonName: 'alice', x5tS256: pki.alice.thumbprint });
    });

    it('answers 401 SECURITY_INVALID_CERTIFICATE for an untrusted certificate, without asking the user provider', async () => {
      const users = new CertificateUsers();
      const request = await requestOver({ tls: { pki, client: pki.rogueAlice } });
      const attempt = new MtlsAuthenticator(OPTIONS, users).authenticate(contextOf(request));
      await expect(attempt).rejects.toBeInstanceOf(InvalidCertificateException);
      await expect(attempt).rejects.toMatchObject({ code: 'SECURITY_INVALID_CERTIFICATE' });
      expect(users.seen).toEqual([]);
    });

    it('answers 401 SECURITY_INVALID_CERTIFICATE for a trusted certificate of no known user', async () => {
      const request = await requestOver({ tls: { pki, client: pki.carol } });
      const attempt = new MtlsAuthenticator(OPTIONS, new CertificateUsers()).authenticate(
        contextOf(request),
      );
      await expect(attempt).rejects.toMatchObject({
        code: 'SECURITY_INVALID_CERTIFICATE',
        status: 401,
      });
    });

    it('answers 401 when asked to authenticate a request without a certificate', async () => {
      const request = await requestOver({ tls: { pki } });
      await expect(
        new MtlsAuthenticator(OPTIONS, new CertificateUsers()).authenticate(contextOf(request)),
      ).rejects.toMatchObject({ code: 'SECURITY_AUTHENTICATION_REQUIRED', status: 401 });
    });

    it('calls findByCertificate on the user provider instance', async () => {
      const users = new CertificateUsers();
      const request = await requestOver({ tls: { pki, client: pki.admin } });
      await new MtlsAuthenticator(OPTIONS, users).authenticate(contextOf(request));
      expect(users.seen.map((certificate) => certificate.commonName)).toEqual(['admin']);
    });
  });
});
