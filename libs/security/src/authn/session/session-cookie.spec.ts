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

  it('reads every header as splitting on ";" and trimming each pair would', () => {
    // The straightforward reading it replaced, as the reference.
    const reference = (header: string | string[], name: string) => {
      const text = Array.isArray(header) ? header.join('; ') : header;
      let found: string | undefined;
      for (const pair of text.split(';')) {
        const equals = pair.indexOf('=');
        if (equals === -1 || pair.slice(0, equals).trim() !== name) continue;
        let value = pair.slice(equals + 1).trim();
        if (value.length >= 2 && value.startsWith('"') && value.endsWith('"'))
          value = value.slice(1, -1);
        if (found !== undefined) return { state: 'ambiguous' };
        found = value;
      }
      return found === undefined ? { state: 'absent' } : { state: 'present', value: found };
    };
    // Pieces that make names, values and separators, with every character trim() removes and
    // some it keeps (U+180E, U+200B).
    const pieces = [NAME, NAME, 'x', 'abc', '=', '=', ';', ';', ' ', '"', '\t', '\n', '\v', '\f'];
    pieces.push('\r', '\u00a0', '\u1680', '\u2000', '\u200a', '\u200b', '\u180e', '\u2028');
    pieces.push('\u2029', '\u202f', '\u205f', '\u3000', '\ufeff', '\u0085');
    let seed = 42; // mulberry32: a fixed sequence, so that a failure repeats
    const random = (below: number): number => {
      seed = (seed + 0x6d2b79f5) | 0;
      let mixed = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
      return ((mixed ^ (mixed >>> 14)) >>> 0) % below;
    };
    const text = (): string =>
      Array.from({ length: random(12) }, () => pieces[random(pieces.length)]).join('');
    for (let index = 0; index < 20_000; index++) {
      const header = random(10) === 0 ? [text(), text()] : text();
      expect([header, readSessionCookie(header, NAME)]).toEqual([header, reference(header, NAME)]);
    }
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
