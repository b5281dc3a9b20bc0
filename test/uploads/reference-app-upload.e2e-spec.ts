import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startClamd, type ClamdHandle } from '../support/clamd';
import {
  startReferenceApp,
  type ReferenceApp,
  type ReferenceAppAdapter,
} from '../contract/reference-app';
import { eicar, multipart, type Part } from './multipart';

const ADAPTERS: readonly ReferenceAppAdapter[] = ['express', 'fastify'];
const ALICE = { username: 'alice', password: 'alice-password' };
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

interface Reply {
  readonly status: number;
  readonly json: unknown;
}

async function upload(
  app: ReferenceApp,
  parts: readonly Part[],
  headers: Record<string, string> = {},
): Promise<Reply> {
  const { contentType, body } = multipart(parts);
  const response = await fetch(`${app.url}/upload`, {
    method: 'POST',
    headers: { ...headers, 'Content-Type': contentType },
    body,
  });
  return { status: response.status, json: await response.json() };
}

async function bearerToken(app: ReferenceApp): Promise<string> {
  const response = await fetch(`${app.url}/auth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(ALICE),
  });
  const body = (await response.json()) as { access_token?: unknown };
  if (response.status !== 200 || typeof body.access_token !== 'string') {
    throw new Error(`POST /auth/token -> ${response.status}`);
  }
  return body.access_token;
}

async function sessionLogin(app: ReferenceApp): Promise<{ cookie: string; csrfToken: string }> {
  const response = await fetch(`${app.url}/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(ALICE),
  });
  const body = (await response.json()) as { csrfToken?: unknown };
  const cookie = response.headers.getSetCookie()[0]?.split(';')[0];
  if (response.status !== 200 || cookie === undefined || typeof body.csrfToken !== 'string') {
    throw new Error(`POST /auth/login -> ${response.status}`);
  }
  return { cookie, csrfToken: body.csrfToken };
}

/**
 * The reference app's POST /upload (DESIGN.md contract), black box: the built app as a child
 * process with a real clamd (`CLAMAV_SOCKET`) and `UPLOAD_DIR`, where accepted files are stored
 * under their SHA-256.
 */
describe.each(ADAPTERS)('reference app POST /upload with clamd (%s)', (adapter) => {
  let clamd: ClamdHandle;
  let app: ReferenceApp;
  let uploadDir: string;
  let token: string;

  beforeAll(async () => {
    clamd = await startClamd();
    uploadDir = await mkdtemp(join(tmpdir(), 'rampart-uploads-'));
    app = await startReferenceApp({
      adapter,
      store: 'memory',
      env: { CLAMAV_SOCKET: clamd.socketPath, UPLOAD_DIR: uploadDir },
    });
    token = await bearerToken(app);
  });
  afterAll(async () => {
    await app.stop();
    await clamd.stop();
    await rm(uploadDir, { recursive: true, force: true });
  });

  it('clean file with a bearer token -> 201 { size, sha256 }, stored', async () => {
    const content = Buffer.from('A clean report.\n');
    const reply = await upload(app, [{ name: 'file', fileName: 'report.txt', content }], {
      Authorization: `Bearer ${token}`,
    });
    expect(reply).toEqual({ status: 201, json: { size: content.length, sha256: sha256(content) } });
    await expect(readFile(join(uploadDir, sha256(content)))).resolves.toEqual(content);
  });

  it('EICAR -> 422 SECURITY_UPLOAD_INFECTED, not stored', async () => {
    const reply = await upload(app, [{ name: 'file', fileName: 'eicar.com', content: eicar() }], {
      Authorization: `Bearer ${token}`,
    });
    expect(reply.status).toBe(422);
    expect(reply.json).toEqual({
      statusCode: 422,
      code: 'SECURITY_UPLOAD_INFECTED',
      message: expect.any(String) as unknown,
    });
    expect(await readdir(uploadDir)).not.toContain(sha256(eicar()));
  });

  it('anonymous -> 401, nothing stored', async () => {
    const before = await readdir(uploadDir);
    const reply = await upload(app, [{ name: 'file', fileName: 'a.txt', content: 'anon' }]);
    expect(reply.status).toBe(401);
    expect(await readdir(uploadDir)).toEqual(before);
  });

  it('session cookie without the CSRF token -> 403 SECURITY_CSRF_REJECTED; with it -> 201', async () => {
    const session = await sessionLogin(app);
    const content = Buffer.from('uploaded from a browser session');
    const refused = await upload(app, [{ name: 'file', fileName: 'a.txt', content }], {
      Cookie: session.cookie,
    });
    expect(refused.status).toBe(403);
    expect(refused.json).toMatchObject({ code: 'SECURITY_CSRF_REJECTED' });
    expect(await readdir(uploadDir)).not.toContain(sha256(content));
    const accepted = await upload(app, [{ name: 'file', fileName: 'a.txt', content }], {
      Cookie: session.cookie,
      'X-CSRF-Token': session.csrfToken,
    });
    expect(accepted.status).toBe(201);
    expect(await readdir(uploadDir)).toContain(sha256(content));
  });
});

describe.each(ADAPTERS)('reference app POST /upload without clamd configured (%s)', (adapter) => {
  it('starts, and answers every upload 503 SECURITY_SCANNER_UNAVAILABLE', async () => {
    const app = await startReferenceApp({ adapter, store: 'memory' });
    try {
      const token = await bearerToken(app);
      const reply = await upload(app, [{ name: 'file', fileName: 'a.txt', content: 'clean' }], {
        Authorization: `Bearer ${token}`,
      });
      expect(reply.status).toBe(503);
      expect(reply.json).toMatchObject({ code: 'SECURITY_SCANNER_UNAVAILABLE' });
    } finally {
      await app.stop();
    }
  });
});
