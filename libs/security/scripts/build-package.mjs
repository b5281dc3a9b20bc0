// Builds the publishable @rampart/security package: the library (libs/security/src) and the Nest
// CLI schematics (libs/security/schematics) compiled to CommonJS, plus what tsc does not copy
// (collection.json, schema.json, the files/ templates), package.json, README and CHANGELOG.
//
//   node libs/security/scripts/build-package.mjs [--out <dir>] [--pack [--pack-destination <dir>]]
//
// --out defaults to dist/packages/security; --pack runs `npm pack` on the result into
// --pack-destination (default: a fresh temporary folder) and prints the tarball's path last.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, parse, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const lib = join(root, 'libs/security');
const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    pack: { type: 'boolean', default: false },
    'pack-destination': { type: 'string' },
  },
});
const out = resolve(values.out ?? join(root, 'dist/packages/security'));
if (
  out === parse(out).root ||
  relative(out, root) === '' ||
  !relative(out, root).startsWith('..')
) {
  throw new Error(
    `Refusing to build into ${out}: it would replace the repository. Pass --out <dir>.`,
  );
}

/** Runs a command, resolving with its standard output; rejects when it exits non-zero. */
function run(command, args, options = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      ...options,
    });
    const chunks = [];
    child.stdout.on('data', (chunk) => chunks.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const output = Buffer.concat(chunks).toString('utf8');
      if (code === 0) resolvePromise(output);
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}\n${output}`));
    });
  });
}

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compile = (project, outDir) =>
  run(process.execPath, [tsc, '-p', project, '--outDir', outDir, '--sourceMap', 'false']);

rmSync(out, { recursive: true, force: true });
await Promise.all([
  compile(join(lib, 'tsconfig.lib.json'), out),
  compile(join(lib, 'tsconfig.schematics.json'), join(out, 'schematics')),
]);

// What tsc does not copy: the collection, each schematic's schema and typings, its templates.
const schematics = join(lib, 'schematics');
cpSync(join(schematics, 'collection.json'), join(out, 'schematics/collection.json'));
for (const entry of readdirSync(schematics, { withFileTypes: true })) {
  if (!entry.isDirectory()) continue;
  const from = join(schematics, entry.name);
  const to = join(out, 'schematics', entry.name);
  for (const file of readdirSync(from)) {
    if (file === 'schema.json' || file.endsWith('.schema.d.ts')) {
      mkdirSync(to, { recursive: true });
      cpSync(join(from, file), join(to, file));
    }
  }
  if (existsSync(join(from, 'files'))) {
    cpSync(join(from, 'files'), join(to, 'files'), { recursive: true });
  }
}
cpSync(join(lib, 'package.json'), join(out, 'package.json'));
cpSync(join(root, 'README.md'), join(out, 'README.md'));
cpSync(join(root, 'CHANGELOG.md'), join(out, 'CHANGELOG.md'));
console.log(`built ${relative(root, out) || out}`);

if (values.pack) {
  const destination = resolve(
    values['pack-destination'] ?? mkdtempSync(join(tmpdir(), 'rampart-pack-')),
  );
  mkdirSync(destination, { recursive: true });
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const report = JSON.parse(
    await run(npm, ['pack', out, '--pack-destination', destination, '--json', '--silent']),
  );
  console.log(join(destination, report[0].filename));
}
