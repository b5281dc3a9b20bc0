import type { SecurityRequest } from '../../core/security-request.interface';
import { checkRequestProvenance } from './request-origin';

const TRUSTED = ['https://admin.example.com'];

function request(headers: Record<string, string | string[]>, encrypted = false): SecurityRequest {
  return {
    headers: { host: 'app.example.com', ...headers },
    socket: { encrypted },
  } as unknown as SecurityRequest;
}

describe('checkRequestProvenance', () => {
  it.each([
    ['no Origin, no Fetch Metadata (a non-browser client)', {}, undefined],
    ['Sec-Fetch-Site same-origin', { 'sec-fetch-site': 'same-origin' }, undefined],
    ['Sec-Fetch-Site none (typed by the user)', { 'sec-fetch-site': 'none' }, undefined],
    ['Sec-Fetch-Site cross-site', { 'sec-fetch-site': 'cross-site' }, 'fetch-metadata'],
    [
      'Sec-Fetch-Site same-site (a sibling subdomain)',
      { 'sec-fetch-site': 'same-site' },
      'fetch-metadata',
    ],
    ['an unknown Sec-Fetch-Site', { 'sec-fetch-site': 'weird' }, 'fetch-metadata'],
    [
      'two Sec-Fetch-Site headers',
      { 'sec-fetch-site': ['same-origin', 'same-origin'] },
      'fetch-metadata',
    ],
    ['own Origin over HTTP', { origin: 'http://app.example.com' }, undefined],
    ['own Origin, https behind a TLS proxy', { origin: 'https://app.example.com' }, undefined],
    ['own Origin in capitals', { origin: 'HTTPS://APP.EXAMPLE.COM' }, undefined],
    ['a foreign Origin', { origin: 'https://evil.example' }, 'origin'],
    ['a foreign port', { origin: 'http://app.example.com:8080' }, 'origin'],
    ['Origin null', { origin: 'null' }, 'origin'],
    ['an empty Origin', { origin: '' }, 'origin'],
    ['a trusted Origin', { origin: 'https://admin.example.com' }, undefined],
    [
      'same-origin with a foreign Origin',
      { 'sec-fetch-site': 'same-origin', origin: 'https://evil.example' },
      'origin',
    ],
    [
      'same-origin with Origin null (a form post under Referrer-Policy no-referrer)',
      { 'sec-fetch-site': 'same-origin', origin: 'null' },
      undefined,
    ],
    [
      'cross-site with Origin null',
      { 'sec-fetch-site': 'cross-site', origin: 'null' },
      'fetch-metadata',
    ],
    [
      'cross-site from a trusted origin',
      { 'sec-fetch-site': 'cross-site', origin: 'https://admin.example.com' },
      undefined,
    ],
    [
      'cross-site claiming the own origin',
      { 'sec-fetch-site': 'cross-site', origin: 'http://app.example.com' },
      'fetch-metadata',
    ],
  ])('%s -> %s', (_name, headers, expected) => {
    expect(checkRequestProvenance(request(headers), TRUSTED)).toBe(expected);
  });

  it('over TLS, accepts only the https own origin', () => {
    expect(
      checkRequestProvenance(request({ origin: 'https://app.example.com' }, true), []),
    ).toBeUndefined();
    expect(checkRequestProvenance(request({ origin: 'http://app.example.com' }, true), [])).toBe(
      'origin',
    );
  });

  it('refuses any Origin when the request has no Host', () => {
    const noHost = {
      headers: { origin: 'http://app.example.com' },
      socket: {},
    } as unknown as SecurityRequest;
    expect(checkRequestProvenance(noHost, [])).toBe('origin');
  });
});
