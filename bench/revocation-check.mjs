// Per-request cost of Rampart's revocation check, next to the JWT verification it follows.
// Run with `npm run bench:revocation` (builds first). Prints figures and the ratio; asserts nothing.
import { createRequire } from 'node:module';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import os from 'node:os';

const require = createRequire(import.meta.url);
const jwt = require('jsonwebtoken');
const lib = require('../dist/libs/security/src/index.js');

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const options = lib.resolveSecurityOptions({
  environment: 'test',
  jwt: { issuer: 'https://bench', audience: 'api', keys: [{ kid: 'k1', privateKey }] },
});
const store = new lib.MemorySecurityStore();
const revocations = new lib.RevocationService(store, lib.systemClock, options);
await revocations.onModuleInit();

// A realistic state: 10k revoked tokens, 1k revoked families, 1k users logged out everywhere.
for (let i = 0; i < 10_000; i++) await revocations.revokeToken(randomUUID(), Date.now() + 600_000);
for (let i = 0; i < 1_000; i++) await revocations.revokeFamily(randomUUID());
for (let i = 0; i < 1_000; i++) await revocations.revokeUser(`user-${i}`);

const issuedAtMs = Date.now() + 1;
const token = jwt.sign({ sub: 'u-1', roles: ['user'] }, privateKey, {
  algorithm: 'ES256',
  keyid: 'k1',
  issuer: 'https://bench',
  audience: 'api',
  expiresIn: 900,
  jwtid: randomUUID(),
});
const check = { id: randomUUID(), familyId: randomUUID(), userId: 'u-1', issuedAtMs };
const verifyOptions = { algorithms: ['ES256'], issuer: 'https://bench', audience: 'api' };

function measure(name, iterations, fn) {
  for (let i = 0; i < Math.min(iterations, 2_000); i++) fn(); // warm-up
  const start = performance.now();
  for (let i = 0; i < iterations; i++) fn();
  const perOpUs = ((performance.now() - start) * 1000) / iterations;
  return { name, iterations, perOpUs };
}

const rounds = [];
for (let round = 0; round < 3; round++) {
  rounds.push([
    measure('jsonwebtoken.verify (ES256, KeyObject)', 5_000, () =>
      jwt.verify(token, publicKey, verifyOptions),
    ),
    measure('RevocationService.assertNotRevoked', 1_000_000, () =>
      revocations.assertNotRevoked(check),
    ),
  ]);
}
const best = (index) => Math.min(...rounds.map((round) => round[index].perOpUs));
const verifyUs = best(0);
const checkUs = best(1);
console.log(
  `machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
);
console.log('| operation | per request (us, best of 3) |');
console.log('|---|---|');
console.log(`| jsonwebtoken.verify (ES256, KeyObject) | ${verifyUs.toFixed(2)} |`);
console.log(
  `| revocation check (10k jti, 1k families, 1k users revoked) | ${checkUs.toFixed(3)} |`,
);
console.log(
  `revocation check / verification: ${(checkUs / verifyUs).toFixed(4)} (${((checkUs / verifyUs) * 100).toFixed(2)} %)`,
);
await revocations.onApplicationShutdown();
await store.onApplicationShutdown?.();
