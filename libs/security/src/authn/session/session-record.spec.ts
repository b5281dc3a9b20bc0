import { fromFields, toFields, type SessionRecord } from './session-record';

const record: SessionRecord = {
  user: { id: 'u-1', username: 'alice', roles: ['user'] },
  via: 'oidc',
  createdAt: 1,
  absoluteExpiresAt: 2,
  lastSeenAt: 1,
  ip: '127.0.0.1',
  userAgent: undefined,
  csrfSecret: 'secret',
  data: { theme: 'dark' },
  oidc: {
    provider: 'keycloak',
    issuer: 'https://sso.example.com/realms/acme',
    subject: 'sub-1',
    sid: 'sid-1',
    idToken: 'a.b.c',
  },
};

describe('session record fields', () => {
  it('keeps the OpenID Connect link through the store', () => {
    expect(
      fromFields(JSON.parse(JSON.stringify(toFields(record))) as Record<string, unknown>),
    ).toEqual(record);
  });

  it('keeps a link without sid, and a record without a link', () => {
    const noSid = { ...record, oidc: { ...record.oidc!, sid: undefined } };
    expect(
      fromFields(JSON.parse(JSON.stringify(toFields(noSid))) as Record<string, unknown>),
    ).toEqual(noSid);
    const { oidc: _oidc, ...plain } = record;
    const fields = toFields({ ...plain, via: 'session' });
    expect(fields.oidc).toBeUndefined();
    expect(fromFields(fields)?.oidc).toBeUndefined();
  });

  it.each([
    ['not an object', 'x'],
    ['a numeric subject', { ...record.oidc, subject: 1 }],
    ['a numeric sid', { ...record.oidc, sid: 1 }],
    ['no ID token', { ...record.oidc, idToken: undefined }],
  ])('refuses a record whose link is %s', (_name, link) => {
    expect(fromFields({ ...toFields(record), oidc: link })).toBeUndefined();
  });
});
