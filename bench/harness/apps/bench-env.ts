/** Claims and key material shared by the bench runner (which mints the token) and the apps. */
export const BENCH_ISSUER = 'https://bench.rampart.local';
export const BENCH_AUDIENCE = 'bench-api';
export const BENCH_KID = 'bench-1';

/** Limits high enough never to refuse during a run, so that every request is counted and served. */
export const BENCH_THROTTLE_LIMIT = 1_000_000;
export const BENCH_THROTTLE_WINDOW_MS = 10_000;

/** A required environment variable. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '')
    throw new Error(`${name} must be set by the bench runner`);
  return value;
}

/** The body every variant answers on its measured route. */
export function okBody(userId: string | undefined): { ok: true; user: string | null } {
  return { ok: true, user: userId ?? null };
}
