import {
  type TestPki,
  connectionRequests,
  escapedPem,
  testPki,
} from '../../../../../test/support/certificates';
import { InvalidTokenException } from '../../errors/invalid-token.exception';
import type { VerifiedClaims } from '../jwt/jwt-verifier-config.interface';
import { assertCertificateBinding } from './certificate-binding';
import { resolveMtlsOptions, type ResolvedMtlsOptions } from './resolve-mtls-options';

const NO_PROXY: ResolvedMtlsOptions = resolveMtlsOptions({})!;
const LOCAL_PROXY: ResolvedMtlsOptions = resolveMtlsOptions({ trustedProxies: ['127.0.0.1'] })!;
const claims = (extra: Record<string, unknown> = {}): VerifiedClaims => ({
  sub: 'u-alice',
  iss: 'https://issuer.test',
  exp: Math.floor(Date.now() / 1000) + 300,
  ...extra,
});

describe('assertCertificateBinding (RFC 8705 cnf.x5t#S256)', () => {
  let pki: TestPki;
  const { requestOver, closeAll } = connectionRequests();
  const refused = (run: () => void): InvalidTokenException => {
    try {
      run();
    } catch (error) {
      if (error instanceof InvalidTokenException) return error;
      throw error;
    }
    throw new Error('expected the token to be refused');
  };

  beforeAll(async () => {
    pki = await testPki();
  });
  afterEach(async () => {
    await closeAll();
  });

  it('lets an unbound token through, with or without mTLS and a certificate', async () => {
    const request = await requestOver({ tls: { pki } });
    expect(() => {
      assertCertificateBinding(claims(), request, NO_PROXY);
    }).not.toThrow();
    expect(() => {
      assertCertificateBinding(claims(), request, undefined);
    }).not.toThrow();
  });

  it('accepts a bound token on a request presenting that certificate over TLS', async () => {
    const request = await requestOver({ tls: { pki, client: pki.alice } });
    expect(() => {
      assertCertificateBinding(
        claims({ cnf: { 'x5t#S256': pki.alice.thumbprint } }),
        request,
        NO_PROXY,
      );
    }).not.toThrow();
  });

  it('accepts a bound token with that certificate forwarded by a trusted proxy', async () => {
    const request = await requestOver({}, { 'x-client-cert': escapedPem(pki.alice) });
    const bound = claims({ cnf: { 'x5t#S256': pki.alice.thumbprint } });
    expect(() => {
      assertCertificateBinding(bound, request, LOCAL_PROXY);
    }).not.toThrow();
    const error = refused(() => {
      assertCertificateBinding(bound, request, NO_PROXY);
    });
    expect(error.code).toBe('SECURITY_INVALID_TOKEN');
  });

  it('refuses a bound token with 401 invalid_token when no certificate is presented', async () => {
    const request = await requestOver({ tls: { pki } });
    const error = refused(() => {
      assertCertificateBinding(
        claims({ cnf: { 'x5t#S256': pki.alice.thumbprint } }),
        request,
        NO_PROXY,
      );
    });
    expect(error.getStatus()).toBe(401);
    expect(error.code).toBe('SECURITY_INVALID_TOKEN');
    expect(error.headers['WWW-Authenticate']).toBe('Bearer error="invalid_token"');
  });

  it.each([
    ['another certificate of the same CA', (p: TestPki) => p.admin],
    ['an untrusted certificate with the same subject', (p: TestPki) => p.rogueAlice],
  ])('refuses a bound token presented with %s', async (_name, pick) => {
    const request = await requestOver({ tls: { pki, client: pick(pki) } });
    const error = refused(() => {
      assertCertificateBinding(
        claims({ cnf: { 'x5t#S256': pki.alice.thumbprint } }),
        request,
        NO_PROXY,
      );
    });
    expect(error.code).toBe('SECURITY_INVALID_TOKEN');
  });

  it('refuses a token bound to an untrusted certificate even when that certificate is presented', async () => {
    const request = await requestOver({ tls: { pki, client: pki.rogueAlice } });
    refused(() => {
      assertCertificateBinding(
        claims({ cnf: { 'x5t#S256': pki.rogueAlice.thumbprint } }),
        request,
        NO_PROXY,
      );
    });
  });

  it('refuses every bound token when mTLS is off (fail closed)', async () => {
    const request = await requestOver({ tls: { pki, client: pki.alice } });
    refused(() => {
      assertCertificateBinding(
        claims({ cnf: { 'x5t#S256': pki.alice.thumbprint } }),
        request,
        undefined,
      );
    });
  });

  it.each<[string, (thumbprint: string) => unknown]>([
    ['null', () => null],
    ['a string', (t) => t],
    ['an array', (t) => [t]],
    ['an empty object', () => ({})],
    ['an empty thumbprint', () => ({ 'x5t#S256': '' })],
    ['a numeric thumbprint', () => ({ 'x5t#S256': 1 })],
    ['a thumbprint in an array', (t) => ({ 'x5t#S256': [t] })],
    ['a DPoP key binding (jkt) Rampart cannot check', () => ({ jkt: 'abc' })],
    ['x5t#S256 plus another method', (t) => ({ 'x5t#S256': t, jkt: 'abc' })],
    ['the SHA-1 x5t only', () => ({ x5t: 'abc' })],
    ['a thumbprint with padding', (t) => ({ 'x5t#S256': `${t}=` })],
    ['a thumbprint in another case', (t) => ({ 'x5t#S256': t.toUpperCase() })],
    ['a hexadecimal fingerprint', () => ({ 'x5t#S256': pki.alice.x509.fingerprint256 })],
  ])('refuses a cnf that is %s, even with the right certificate', async (_name, cnf) => {
    const request = await requestOver({ tls: { pki, client: pki.alice } });
    refused(() => {
      assertCertificateBinding(claims({ cnf: cnf(pki.alice.thumbprint) }), request, NO_PROXY);
    });
  });
});
