import { X509Certificate } from 'node:crypto';
import { testPki, type TestPki } from '../../../../../test/support/certificates';
import { certificateThumbprint } from './certificate-thumbprint';

describe('certificateThumbprint (x5t#S256)', () => {
  let pki: TestPki;
  beforeAll(async () => {
    pki = await testPki();
  });

  it('is the base64url SHA-256 of the DER that openssl writes', () => {
    expect(certificateThumbprint(pki.alice.x509)).toBe(pki.alice.thumbprint);
    expect(certificateThumbprint(new X509Certificate(pki.admin.cert))).toBe(pki.admin.thumbprint);
  });

  it('is 43 unpadded base64url characters', () => {
    expect(certificateThumbprint(pki.alice.x509)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('tells apart two certificates with the same subject from different CAs', () => {
    expect(pki.rogueAlice.x509.subject).toBe(pki.alice.x509.subject);
    expect(certificateThumbprint(pki.rogueAlice.x509)).not.toBe(
      certificateThumbprint(pki.alice.x509),
    );
  });
});
