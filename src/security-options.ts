import type { SecurityModuleOptions } from '@rampart/security';

/**
 * The reference app's SecurityModule options, read from the environment (see README):
 * SECURITY_STORE=memory|redis, REDIS_URL, REDIS_KEY_PREFIX, NODE_ENV, JWT_ISSUER, JWT_AUDIENCE, and for production
 * JWT_PRIVATE_KEY (PEM, PKCS#8, P-256) with JWT_KID.
 */
export function securityOptionsFromEnv(env: NodeJS.ProcessEnv): SecurityModuleOptions {
  const store = env.SECURITY_STORE ?? 'memory';
  if (store !== 'memory' && store !== 'redis') {
    throw new Error(
      `SECURITY_STORE must be "memory" or "redis", got "${store}". Fix: unset it or set it to one of those.`,
    );
  }
  if (store === 'redis' && (env.REDIS_URL === undefined || env.REDIS_URL === '')) {
    throw new Error('SECURITY_STORE=redis needs REDIS_URL. Fix: set REDIS_URL=redis://host:port.');
  }
  const privateKey = env.JWT_PRIVATE_KEY;
  return {
    jwt: {
      issuer: env.JWT_ISSUER ?? 'http://localhost:3000',
      audience: env.JWT_AUDIENCE ?? 'rampart-reference',
      ...(privateKey === undefined || privateKey === ''
        ? {}
        : { keys: [{ kid: env.JWT_KID ?? 'main', algorithm: 'ES256' as const, privateKey }] }),
    },
    roles: { hierarchy: { admin: ['user'], user: [] } },
    store:
      store === 'redis'
        ? {
            type: 'redis',
            url: env.REDIS_URL ?? '',
            ...(env.REDIS_KEY_PREFIX === undefined || env.REDIS_KEY_PREFIX === ''
              ? {}
              : { keyPrefix: env.REDIS_KEY_PREFIX }),
          }
        : { type: 'memory' },
  };
}
