/** Response headers as supertest gives them: lower-case names. */
type Headers = Readonly<Record<string, string | string[] | undefined>>;

/**
 * The items of a `RateLimit` or `RateLimit-Policy` field in the form of draft 8 and later
 * (`"default";r=4;t=60, "burst";r=0;t=1`), by limit name, each with its integer parameters.
 * Throws on anything else, so that a malformed field fails the test that reads it.
 */
export function rateLimitItems(
  field: string | string[] | undefined,
): Map<string, Record<string, number>> {
  const items = new Map<string, Record<string, number>>();
  if (field === undefined) return items;
  if (Array.isArray(field)) throw new Error(`RateLimit field sent ${field.length} times`);
  for (const item of field.split(', ')) {
    const match = /^"([A-Za-z0-9_-]+)"((?:;[a-z]+=\d+)+)$/.exec(item);
    if (match === null) throw new Error(`not a RateLimit item: ${JSON.stringify(item)}`);
    const parameters: Record<string, number> = {};
    for (const parameter of (match[2] as string).slice(1).split(';')) {
      const [key, value] = parameter.split('=') as [string, string];
      parameters[key] = Number(value);
    }
    items.set(match[1] as string, parameters);
  }
  return items;
}

/** What `RateLimit` says remains of the limit `name` (`r`), or `undefined` when absent. */
export function remainingOf(headers: Headers, name = 'default'): number | undefined {
  return rateLimitItems(headers.ratelimit).get(name)?.r;
}

/** Seconds until the limit `name` resets (`t` of `RateLimit`), or `undefined` when absent. */
export function resetOf(headers: Headers, name = 'default'): number | undefined {
  return rateLimitItems(headers.ratelimit).get(name)?.t;
}

/** The quota of the limit `name` (`q` of `RateLimit-Policy`), or `undefined` when absent. */
export function quotaOf(headers: Headers, name = 'default'): number | undefined {
  return rateLimitItems(headers['ratelimit-policy']).get(name)?.q;
}
