// The variants of `npm run bench` (and `npm run bench:instructions`), and how a load generator
// obtains each one's credential.
import { mintEs256 } from './lib.mjs';

const ISSUER = 'https://bench.rampart.local';
const AUDIENCE = 'bench-api';
const KID = 'bench-1';

const PROTOTYPED = {
  adapters: ['express'],
  env: { BENCH_EXPRESS_PROTOTYPED: '1' },
};

/**
 * Four of the Express variants again, on Rampart's `PrototypedExpressAdapter` (requests born with
 * Express's prototypes; see its documentation): `app` names the bench app they run. The two
 * session variants are `optional`: they run only when named in `BENCH_VARIANTS`.
 */
const EXPRESS_PROTOTYPED = [
  {
    ...PROTOTYPED,
    name: 'bare-prototyped',
    app: 'bare',
    label: 'bare Nest, on PrototypedExpressAdapter',
    path: '/api/orders',
    auth: 'none',
  },
  {
    ...PROTOTYPED,
    name: 'rampart-jwt-prototyped',
    app: 'rampart-jwt',
    label: 'Rampart JWT + roles + throttle + headers (memory), on PrototypedExpressAdapter',
    path: '/api/orders',
    auth: 'bearer',
    protectedRoute: true,
  },
  {
    ...PROTOTYPED,
    name: 'rampart-session-prototyped',
    app: 'rampart-session',
    optional: true,
    label: 'Rampart sessions on Redis (+ headers), on PrototypedExpressAdapter',
    path: '/api/me',
    auth: 'cookie',
    protectedRoute: true,
  },
  {
    ...PROTOTYPED,
    name: 'express-session-helmet-prototyped',
    app: 'express-session-helmet',
    optional: true,
    label: 'express-session + connect-redis + helmet + no-store, on PrototypedExpressAdapter',
    path: '/api/me',
    auth: 'cookie',
    protectedRoute: true,
  },
];

/**
 * The variants. `path` is what the load hits; `auth` says how the runner obtains the credential;
 * `protectedRoute` means a request without it must be refused (checked before the load); `env` is
 * added to the app's environment; `app`, when given, is the bench app to run (default: `name`); an `optional` variant runs only when
 * named in `BENCH_VARIANTS`. `bare-spin` is a calibration, not a contender: what a known,
 * fixed amount of server CPU per request does to the ratio on the machine of the run, so that the
 * ratios of one machine can be read against another's.
 */
export const BENCH_VARIANTS = [
  { name: 'bare', label: 'bare Nest', path: '/api/orders', auth: 'none' },
  {
    name: 'bare-headers',
    label: "bare Nest + the full stack's response headers only (constants)",
    path: '/api/orders',
    auth: 'none',
  },
  {
    name: 'bare-spin',
    label: 'calibration: bare Nest + 10 us of pure CPU per request (a busy loop)',
    path: '/api/orders',
    auth: 'none',
    env: { BENCH_SPIN_US: '10' },
  },
  {
    name: 'rampart-jwt',
    label: 'Rampart JWT + roles + throttle + headers (memory)',
    path: '/api/orders',
    auth: 'bearer',
    protectedRoute: true,
  },
  {
    name: 'glued-jwt',
    label: 'glued: passport-jwt (PEM) + roles guard + @nestjs/throttler + helmet',
    path: '/api/orders',
    auth: 'bearer',
    protectedRoute: true,
  },
  {
    name: 'rampart-session',
    label: 'Rampart sessions on Redis (+ headers; no throttle, like express-session)',
    path: '/api/me',
    auth: 'cookie',
    protectedRoute: true,
  },
  {
    name: 'express-session',
    label: 'express-session + connect-redis',
    path: '/api/me',
    auth: 'cookie',
    protectedRoute: true,
    adapters: ['express'],
  },
  {
    name: 'express-session-helmet',
    label: 'express-session + connect-redis + helmet + no-store (the headers Rampart sends)',
    path: '/api/me',
    auth: 'cookie',
    protectedRoute: true,
    adapters: ['express'],
  },
  {
    name: 'rampart-throttle',
    label: 'Rampart throttle on Redis (public route)',
    path: '/api/ping',
    auth: 'none',
  },
  {
    name: 'nestlab-throttle',
    label: '@nestjs/throttler + @nest-lab/throttler-storage-redis',
    path: '/api/ping',
    auth: 'none',
  },
  ...EXPRESS_PROTOTYPED,
];

/**
 * The request headers that authenticate as the bench user on `variant`, running at `appUrl`: a
 * bearer token signed with `privateKeyPem`, or the session cookie of a `POST /login`.
 */
export async function credentialHeaders(variant, appUrl, privateKeyPem) {
  if (variant.auth === 'bearer') {
    const token = mintEs256(privateKeyPem, KID, {
      iss: ISSUER,
      aud: AUDIENCE,
      sub: 'u-1',
      preferred_username: 'alice',
      roles: ['user'],
    });
    return { authorization: `Bearer ${token}` };
  }
  if (variant.auth === 'cookie') {
    const login = await fetch(`${appUrl}/login`, { method: 'POST' });
    if (login.status !== 200)
      throw new Error(`${variant.name}: login answered ${login.status}: ${await login.text()}`);
    const cookie = login.headers
      .getSetCookie()
      .map((line) => line.split(';')[0])
      .join('; ');
    return { cookie };
  }
  return {};
}
