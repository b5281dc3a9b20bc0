/** The provider did not answer in time, could not be reached, or answered with a server error. */
export class ProviderUnreachableError extends Error {
  constructor(what: string, options?: { cause?: unknown }) {
    super(`${what} is unreachable`, options);
    this.name = 'ProviderUnreachableError';
  }
}

/** The provider answered, but not as the protocol says (4xx, not JSON, wrong shape). */
export class ProviderResponseError extends Error {
  constructor(what: string, problem: string) {
    super(`${what} ${problem}`);
    this.name = 'ProviderResponseError';
  }
}

/** Most bytes read from any provider response. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

/** What {@link providerJson} read. */
export interface ProviderJson {
  readonly status: number;
  /** The parsed JSON object; `undefined` when the body was not a JSON object. */
  readonly body: Record<string, unknown> | undefined;
}

/**
 * One HTTP call to the provider with a timeout, reading a JSON object. Network errors, timeouts
 * and 5xx answers become {@link ProviderUnreachableError}; no redirect is followed.
 */
export async function providerJson(
  what: string,
  url: string,
  init: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string },
  timeoutMs: number,
): Promise<ProviderJson> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method ?? 'GET',
      headers: { accept: 'application/json', ...init.headers },
      ...(init.body === undefined ? {} : { body: init.body }),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new ProviderUnreachableError(what, { cause: error });
  }
  if (response.status >= 500) {
    await response.body?.cancel().catch(() => undefined);
    throw new ProviderUnreachableError(what);
  }
  let text: string;
  try {
    const declared = Number(response.headers.get('content-length') ?? '0');
    if (declared > MAX_RESPONSE_BYTES) {
      await response.body?.cancel().catch(() => undefined);
      throw new ProviderResponseError(what, 'answered with a body that is too large');
    }
    text = await response.text();
  } catch (error) {
    if (error instanceof ProviderResponseError) throw error;
    throw new ProviderUnreachableError(what, { cause: error });
  }
  if (text.length > MAX_RESPONSE_BYTES) {
    throw new ProviderResponseError(what, 'answered with a body that is too large');
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const isObject = typeof body === 'object' && body !== null && !Array.isArray(body);
  return {
    status: response.status,
    body: isObject ? (body as Record<string, unknown>) : undefined,
  };
}
