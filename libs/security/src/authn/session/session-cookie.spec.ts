import { resolveSessionOptions } from './resolve-session-options';
import { readSessionCookie, serializeSessionCookie, sessionCookieName } from './session-cookie';
import type { SecurityRequest } from '../../core/security-request.interface';

const NAME = '__Host-rampart-session';
const options = resolveSessionOptions({}, 'test');
const devOptions = resolveSessionOptions({ dangerouslyAllowInsecureHttp: true }, 'development');
if (options === undefined || devOptions === undefined) throw new Error('options');

const request = (encrypted: boolean, viaRaw = false): SecurityRequest =>
  (viaRaw
    ? { headers: {}, raw: { socket: { encrypted } } }
    : { headers: {}, socket: { encrypted } }) as unknown as SecurityRequest;

describe('readSessionCookie', () => {
  it.each([
    [undefined, { state: 'absent' }],
    ['', { state: 'absent' }],
    ['other=1', { state: 'absent' }],
    [`${NAME}=abc`, { state: 'present', value: 'abc' }],
    [`a=1; ${NAME}=abc; b=2`, { state: 'present', value: 'abc' }],
    [`a=1;${NAME}=abc`, { state: 'present', value: 'abc' }],
    [`${NAME}="abc"`, { state: 'present', value: 'abc' }],
    [`${NAME}=`, { state: 'present', value: '' }],
    [`x-${NAME}=abc`, { state: 'absent' }],
    [`${NAME}x=abc`, { state: 'absent' }],
    [`__host-rampart-session=abc`, { state: 'absent' }],
    ['rampart-session=abc', { state: 'absent' }],
    [`${NAME}=abc; ${NAME}=def`, { state: 'ambiguous' }],
    [`${NAME}=abc; ${NAME}=abc`, { state: 'ambiguous' }],
    [[`${NAME}=abc`, `${NAME}=def`], { state: 'ambiguous' }],
    [['a=1', `${NAME}=abc`], { state: 'present', value: 'abc' }],
  ])('reads %j as %j', (header, expected) => {
    expect(readSessionCookie(header, NAME)).toEqual(expected);
  });
});

describe('sessionCookieName', () => {
  it('is the __Host- name whenever insecure HTTP is not allowed', () => {
    expect(sessionCookieName(request(false), options)).toBe(NAME);
    expect(sessionCookieName(request(true), options)).toBe(NAME);
  });

  it('is the bare name over plain HTTP in the development mode, __Host- over TLS', () => {
    expect(sessionCookieName(request(false), devOptions)).toBe('rampart-session');
    expect(sessionCookieName(request(true), devOptions)).toBe(NAME);
    expect(sessionCookieName(request(true, true), devOptions)).toBe(NAME);
  });
});

describe('serializeSessionCookie', () => {
  it('sets a Secure, HttpOnly, SameSite=Lax, Path=/ cookie with no Domain and no Max-Age', () => {
    expect(serializeSessionCookie(NAME, 'id', options)).toBe(
      `${NAME}=id; Path=/; HttpOnly; Secure; SameSite=Lax`,
    );
  });

  it('clears with an empty value and Max-Age=0', () => {
    expect(serializeSessionCookie(NAME, undefined, options)).toBe(
      `${NAME}=; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT`,
    );
  });

  it('omits Secure only for the plain-HTTP development cookie', () => {
    expect(serializeSessionCookie('rampart-session', 'id', devOptions)).toBe(
      'rampart-session=id; Path=/; HttpOnly; SameSite=Lax',
    );
  });

  it.each([
    ['strict', 'Strict'],
    ['none', 'None'],
  ])('writes sameSite %s as SameSite=%s', (sameSite, attribute) => {
    const resolved = resolveSessionOptions({ sameSite }, 'test');
    if (resolved === undefined) throw new Error('options');
    expect(serializeSessionCookie(NAME, 'id', resolved)).toContain(
      `; Secure; SameSite=${attribute}`,
    );
  });
});
