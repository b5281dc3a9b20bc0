import { csrfTokenMatches, maskCsrfSecret, newCsrfSecret } from './csrf-token';

describe('CSRF tokens', () => {
  const secret = newCsrfSecret();

  it('makes 256-bit secrets and a different token every time, each valid for its secret', () => {
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    const tokens = new Set(Array.from({ length: 50 }, () => maskCsrfSecret(secret)));
    expect(tokens.size).toBe(50);
    for (const token of tokens) expect(csrfTokenMatches(token, secret)).toBe(true);
  });

  it('refuses a token of another secret', () => {
    expect(csrfTokenMatches(maskCsrfSecret(newCsrfSecret()), secret)).toBe(false);
  });

  it('refuses the bare secret and a tampered token', () => {
    const token = maskCsrfSecret(secret);
    const tampered = `${token.slice(0, 50)}${token[50] === 'A' ? 'B' : 'A'}${token.slice(51)}`;
    expect(csrfTokenMatches(secret, secret)).toBe(false);
    expect(csrfTokenMatches(tampered, secret)).toBe(false);
  });

  it.each([undefined, null, '', 42, [], {}, 'x'.repeat(86), `${'A'.repeat(85)}=`, ['a']])(
    'refuses %j',
    (token) => {
      expect(csrfTokenMatches(token, secret)).toBe(false);
    },
  );
});
