/** A cookie-carrying client of a reference-app instance, over `fetch`, as a browser would be. */
export interface SessionCookie {
  /** `name=value`, ready for a `Cookie` header. */
  readonly cookie: string;
  readonly csrfToken: string;
}

/** Logs in through `baseUrl` and returns the session cookie and its CSRF token. */
export async function loginAt(
  baseUrl: string,
  credentials: { username: string; password: string },
): Promise<SessionCookie> {
  const response = await fetch(`${baseUrl}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credentials),
  });
  if (response.status !== 200) throw new Error(`login answered ${response.status}`);
  const cookie = response.headers.getSetCookie()[0]?.split(';')[0];
  if (cookie === undefined) throw new Error('login set no cookie');
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return { cookie, csrfToken };
}

/** `GET path` with the session cookie; resolves the status. */
export async function statusOf(baseUrl: string, path: string, cookie: string): Promise<number> {
  const response = await fetch(`${baseUrl}${path}`, { headers: { cookie } });
  await response.arrayBuffer();
  return response.status;
}

/** An unsafe request with the session cookie and its CSRF token. */
export function sendWithSession(
  baseUrl: string,
  method: 'POST' | 'DELETE',
  path: string,
  session: SessionCookie,
  body?: unknown,
): Promise<Response> {
  return fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      cookie: session.cookie,
      'x-csrf-token': session.csrfToken,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/**
 * Polls `GET path` on `baseUrl` until it answers `status`; resolves the milliseconds that took
 * (from the call), or rejects after `deadlineMs`.
 */
export async function msUntilStatus(
  baseUrl: string,
  path: string,
  cookie: string,
  status: number,
  deadlineMs = 5_000,
): Promise<number> {
  const started = performance.now();
  for (;;) {
    if ((await statusOf(baseUrl, path, cookie)) === status) return performance.now() - started;
    if (performance.now() - started > deadlineMs) {
      throw new Error(`${path} did not answer ${status} within ${deadlineMs} ms`);
    }
  }
}
