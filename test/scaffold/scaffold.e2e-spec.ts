// The schematics end to end: pack the library with `npm pack`, install the tarball into a copy of
// the template app (offline: the tarball is unpacked into node_modules/@rampart/security, the
// app's other dependencies are links into this repository's node_modules), run the Nest CLI's
// `nest g -c @rampart/security init`, `resource` and `policy`, build the app, run its tests (the
// generated specs among them) and start it.
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

// Each step runs a real build or CLI: minutes, not the default 5 seconds.
jest.setTimeout(120_000);

const ROOT = join(__dirname, '..', '..');
const ROOT_MODULES = join(ROOT, 'node_modules');
const NEST = join(ROOT_MODULES, '@nestjs', 'cli', 'bin', 'nest.js');

/** The Nest CLI colours its report whatever NO_COLOR says. */
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

interface Exit {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion, capturing its output; never through a shell. */
function run(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const { JEST_WORKER_ID: _worker, ...inherited } = process.env;
    const child = spawn(command, args, {
      cwd,
      env: { ...inherited, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const text = (chunks: Buffer[]) =>
        Buffer.concat(chunks).toString('utf8').replace(ANSI_COLOUR, '');
      resolve({ code, stdout: text(stdout), stderr: text(stderr) });
    });
  });
}

/** Fails with the command's output when it did not exit 0. */
function expectSuccess(exit: Exit): void {
  if (exit.code !== 0) {
    throw new Error(`exit ${exit.code}\n--- stdout\n${exit.stdout}\n--- stderr\n${exit.stderr}`);
  }
}

/** Every file under `dir` (relative path -> content), skipping node_modules and dist. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist') continue;
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else files[relative(dir, path)] = readFileSync(path, 'utf8');
    }
  };
  walk(dir);
  return files;
}

/**
 * The app's node_modules: a link per package of this repository's node_modules, so nothing is
 * downloaded. `@rampart/security` is left out: it comes from the tarball.
 */
function linkDependencies(app: string): void {
  const target = join(app, 'node_modules');
  mkdirSync(target);
  for (const entry of readdirSync(ROOT_MODULES, { withFileTypes: true })) {
    if (entry.name.startsWith('.') && entry.name !== '.bin') continue;
    if (entry.name.startsWith('@') && entry.isDirectory()) {
      mkdirSync(join(target, entry.name));
      for (const scoped of readdirSync(join(ROOT_MODULES, entry.name))) {
        if (`${entry.name}/${scoped}` === '@rampart/security') continue;
        symlinkSync(join(ROOT_MODULES, entry.name, scoped), join(target, entry.name, scoped));
      }
    } else {
      symlinkSync(join(ROOT_MODULES, entry.name), join(target, entry.name));
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address === null || typeof address === 'string') reject(new Error('no port'));
        else resolve(address.port);
      });
    });
  });
}

describe('scaffolding an app with the packed library', () => {
  let work = '';
  let app: string;
  let tarball: string;
  const nest = (...args: string[]) => run(process.execPath, [NEST, ...args], app);
  const read = (path: string) => readFileSync(join(app, path), 'utf8');

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'rampart-scaffold-'));
    const build = await run(
      process.execPath,
      [
        join(ROOT, 'libs/security/scripts/build-package.mjs'),
        '--out',
        join(work, 'package'),
        '--pack',
        '--pack-destination',
        work,
      ],
      ROOT,
    );
    expectSuccess(build);
    tarball = build.stdout.trim().split('\n').pop() ?? '';
    app = join(work, 'app');
    cpSync(join(__dirname, 'template-app'), app, { recursive: true });
    linkDependencies(app);
    const installed = join(app, 'node_modules', '@rampart', 'security');
    mkdirSync(installed, { recursive: true });
    expectSuccess(
      await run('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1'], app),
    );
  }, 180_000);

  afterAll(() => {
    if (work !== '') rmSync(work, { recursive: true, force: true });
  });

  it('packs the library with its schematics and testing kit', async () => {
    expect(tarball).toMatch(/rampart-security-0\.1\.0\.tgz$/);
    const listing = await run('tar', ['-tzf', tarball], work);
    expectSuccess(listing);
    const files = listing.stdout.split('\n');
    for (const file of [
      'package/package.json',
      'package/index.js',
      'package/index.d.ts',
      'package/testing/index.js',
      'package/express/index.js',
      'package/schematics/collection.json',
      'package/schematics/init/init.factory.js',
      'package/schematics/init/schema.json',
      'package/schematics/init/files/root/.env.example.template',
      'package/schematics/resource/resource.factory.js',
      'package/schematics/resource/schema.json',
    ]) {
      expect(files).toContain(file);
    }
    expect(files.filter((file) => /\.(spec|test)\.(js|ts)$/.test(file))).toEqual([]);
    // The entry points resolve by package name from the app, as `require` does.
    const resolved = await run(
      process.execPath,
      [
        '-e',
        "const t = require('@rampart/security/testing'); const s = require('@rampart/security');" +
          "const e = require('@rampart/security/express');" +
          'console.log(typeof t.bearer, typeof t.createSecurityTestingApp, typeof s.SecurityModule,' +
          ' typeof e.PrototypedExpressAdapter)',
      ],
      app,
    );
    expectSuccess(resolved);
    expect(resolved.stdout.trim()).toBe('function function function function');
  });

  it('init adds SecurityModule, a user provider and .env.example, and says what to do next', async () => {
    const exit = await nest('g', '-c', '@rampart/security', 'init');
    expectSuccess(exit);
    expect(exit.stdout).toContain('CREATE src/security/app-user.provider.ts');
    expect(exit.stdout).toContain('CREATE src/security/security-options.ts');
    expect(exit.stdout).toContain('CREATE .env.example');
    expect(exit.stdout).toContain('UPDATE src/app.module.ts');
    expect(exit.stdout).toContain('Rampart is set up. Next:');
    expect(exit.stdout).toContain(
      "5. On Express, create the app on new PrototypedExpressAdapter() from '@rampart/security/express' in main.ts",
    );
    expect(read('src/app.module.ts')).toBe(`import { Module } from '@nestjs/common';
import { AppController } from './app.controller';
import { AppService } from './app.service';
import { SecurityModule } from '@rampart/security';
import { AppUserProvider } from './security/app-user.provider';
import { securityOptions } from './security/security-options';

@Module({
  imports: [
    SecurityModule.forRoot({
      ...securityOptions((name) => process.env[name]),
      userProvider: AppUserProvider,
    }),
  ],
  controllers: [AppController],
  providers: [AppService],
})
export class AppModule {}
`);
    expect(read('.env.example')).toContain('JWT_AUDIENCE=scaffold-app\n');
  });

  it('init run again changes nothing', async () => {
    const before = snapshot(app);
    const exit = await nest('g', '-c', '@rampart/security', 'init');
    expectSuccess(exit);
    expect(exit.stdout).not.toMatch(/CREATE|UPDATE/);
    expect(snapshot(app)).toEqual(before);
  });

  it('resource --dry-run reports without writing', async () => {
    const exit = await nest('g', '-c', '@rampart/security', 'resource', 'reports', '--dry-run');
    expectSuccess(exit);
    expect(exit.stdout).toContain('CREATE src/reports/reports.controller.ts');
    expect(existsSync(join(app, 'src/reports'))).toBe(false);
  });

  it('resource generates a guarded controller and its spec, declared in AppModule', async () => {
    const exit = await nest('g', '-c', '@rampart/security', 'resource', 'notes');
    expectSuccess(exit);
    expect(exit.stdout).toContain('CREATE src/notes/notes.controller.ts');
    expect(exit.stdout).toContain('CREATE src/notes/notes.controller.spec.ts');
    expect(exit.stdout).toContain('UPDATE src/app.module.ts');
    expect(read('src/app.module.ts')).toContain(
      '  controllers: [AppController, NotesController],\n',
    );
    expect(read('src/app.module.ts')).toContain(
      "import { NotesController } from './notes/notes.controller';\n",
    );
  });

  it('policy generates a policy and its spec in the feature folder, registered in AppModule', async () => {
    const exit = await nest(
      'g',
      '-c',
      '@rampart/security',
      'policy',
      'notes.owner',
      'notes',
      '--flat',
    );
    expectSuccess(exit);
    expect(exit.stdout).toContain('CREATE src/notes/notes-owner.policy.ts');
    expect(exit.stdout).toContain('CREATE src/notes/notes-owner.policy.spec.ts');
    expect(read('src/app.module.ts')).toContain('  providers: [AppService, NotesOwnerPolicy],\n');
    expect(read('src/notes/notes-owner.policy.ts')).toContain(
      "@SecurityPolicy('notes.owner')\n@Injectable()\nexport class NotesOwnerPolicy implements PolicyHandler {",
    );
  });

  it('the app builds', async () => {
    const exit = await nest('build');
    expectSuccess(exit);
    expect(existsSync(join(app, 'dist/main.js'))).toBe(true);
    expect(existsSync(join(app, 'dist/notes/notes.controller.js'))).toBe(true);
  });

  it("the app's tests pass, the generated spec among them", async () => {
    const exit = await run(process.execPath, [join(ROOT_MODULES, 'jest/bin/jest.js'), '--ci'], app);
    expectSuccess(exit);
    expect(exit.stderr).toContain('PASS src/notes/notes.controller.spec.ts');
    expect(exit.stderr).toContain('PASS src/app.controller.spec.ts');
    expect(exit.stderr).toContain('PASS src/notes/notes-owner.policy.spec.ts');
    expect(exit.stderr).toMatch(/Tests:\s+10 passed, 10 total/);
  });

  it('the built app refuses anonymous callers and serves its public route', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['dist/main.js'], {
      cwd: app,
      env: { ...process.env, NODE_ENV: 'development', PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString('utf8');
          if (output.includes('listening on')) resolve();
        });
        child.on('exit', (code) => {
          reject(new Error(`the app exited with ${code}: ${output}`));
        });
      });
      const base = `http://127.0.0.1:${port}`;
      const root = await fetch(`${base}/`);
      expect(root.status).toBe(401);
      expect(await root.json()).toMatchObject({ code: 'SECURITY_AUTHENTICATION_REQUIRED' });
      const open = await fetch(`${base}/notes/public`);
      expect(open.status).toBe(200);
      expect(await open.json()).toEqual({ resource: 'notes' });
    } finally {
      child.kill();
    }
  });
});
