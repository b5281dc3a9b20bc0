import {
  applicationPackageJson,
  applicationTree,
  contents,
  formatLikeNest,
  NEW_APP_MODULE,
  runSchematic,
  treeFrom,
} from '../testing/schematic-test-helpers';

/** What init generates for an application named `my-app` (exact content). */

const USER_PROVIDER = `import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { SecurityUser, UserProvider } from '@rampart/security';

/** A user as your store keeps it: the password only as a salted hash. */
interface StoredUser extends SecurityUser {
  /** \`salt:hash\`, both base64url; the hash is scrypt's 64-byte key. */
  readonly passwordHash: string;
}

function scryptKey(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, 64, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** Only what Rampart needs: never hand the password hash over. */
function toSecurityUser({ id, username, roles }: StoredUser): SecurityUser {
  return { id, username, roles };
}

/**
 * Checked when the username is unknown, so that an unknown user costs as much
 * time as a wrong password: the response time must not reveal which usernames
 * exist.
 */
const DUMMY_HASH = [randomBytes(16), randomBytes(64)]
  .map((bytes) => bytes.toString('base64url'))
  .join(':');

/**
 * Tells Rampart how to find and check your users: Rampart never stores users
 * or passwords. TODO: replace \`users\` with your user store (a repository, an
 * ORM, a directory). While it is empty, nobody can sign in.
 */
@Injectable()
export class AppUserProvider implements UserProvider {
  private readonly users: readonly StoredUser[] = [];

  /** The user with this id (a token's \`sub\`, a session's owner). */
  findById(id: string): Promise<SecurityUser | undefined> {
    const user = this.users.find((candidate) => candidate.id === id);
    return Promise.resolve(user && toSecurityUser(user));
  }

  /** The user when \`password\` is right for \`username\`. */
  async verifyCredentials(
    username: string,
    password: string,
  ): Promise<SecurityUser | undefined> {
    const user = this.users.find(
      (candidate) => candidate.username === username,
    );
    // An unknown user is checked against DUMMY_HASH: both take the same time.
    const stored = user?.passwordHash ?? DUMMY_HASH;
    const [salt = '', expected = ''] = stored.split(':');
    const actual = await scryptKey(password, Buffer.from(salt, 'base64url'));
    const wanted = Buffer.from(expected, 'base64url');
    const matches =
      actual.length === wanted.length && timingSafeEqual(actual, wanted);
    return matches && user ? toSecurityUser(user) : undefined;
  }
}
`;

const SECURITY_OPTIONS = `import type { SecurityModuleOptions, StoreOptions } from '@rampart/security';

/** Reads one setting (an environment variable); \`undefined\` when unset. */
export type SettingReader = (name: string) => string | undefined;

function storeOptions(setting: SettingReader): StoreOptions {
  const store = setting('SECURITY_STORE') ?? 'memory';
  if (store === 'memory') return { type: 'memory' };
  if (store !== 'redis') {
    throw new Error(
      \`SECURITY_STORE must be "memory" or "redis", got "\${store}". Fix: unset it or use one of those.\`,
    );
  }
  const url = setting('REDIS_URL');
  if (url === undefined) {
    throw new Error(
      'SECURITY_STORE=redis needs REDIS_URL. Fix: set REDIS_URL=redis://host:port.',
    );
  }
  return { type: 'redis', url };
}

/**
 * Rampart's options from the settings in \`.env.example\`. Rampart checks them
 * at start-up and stops with a message naming the option and the fix;
 * NODE_ENV=production turns on the strict checks (a configured signing key,
 * no development shortcuts).
 */
export function securityOptions(read: SettingReader): SecurityModuleOptions {
  const setting: SettingReader = (name) => {
    const value = read(name);
    return value === undefined || value === '' ? undefined : value;
  };
  const privateKey = setting('JWT_PRIVATE_KEY')?.replace(/\\\\n/g, '\\n');
  return {
    jwt: {
      issuer: setting('JWT_ISSUER') ?? 'http://localhost:3000',
      audience: setting('JWT_AUDIENCE') ?? 'my-app',
      ...(privateKey === undefined
        ? {}
        : { keys: [{ kid: setting('JWT_KID') ?? 'main', privateKey }] }),
    },
    // Every role the app uses, and the roles each implies.
    roles: { hierarchy: { admin: ['user'], user: [] } },
    store: storeOptions(setting),
  };
}
`;

const ENV_EXAMPLE = `# Rampart (@rampart/security). Copy what you need into .env; never commit .env.
# Issuer (iss) and audience (aud) of the access tokens this app issues and accepts.
JWT_ISSUER=http://localhost:3000
JWT_AUDIENCE=my-app
# Signing key, required in production: PEM (PKCS#8, P-256) on one line, newlines as \\n.
# Generate one with: openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256
# Outside production, when unset, a key pair is generated at start-up (with a warning).
JWT_PRIVATE_KEY=
JWT_KID=main
# Where sessions, revocations and rate-limit counters live: memory (one process) or redis.
SECURITY_STORE=memory
REDIS_URL=redis://localhost:6379
# production turns on Rampart's strict start-up checks.
NODE_ENV=development
`;

const FOR_ROOT_APP_MODULE = `import { Module } from '@nestjs/common';
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
`;

const FOR_ROOT_ASYNC_APP_MODULE = `import { Module } from '@nestjs/common';
import { AppController } from './app.controller';
import { AppService } from './app.service';
import { SecurityModule } from '@rampart/security';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { AppUserProvider } from './security/app-user.provider';
import { securityOptions } from './security/security-options';

@Module({
  imports: [
    SecurityModule.forRootAsync({
      imports: [ConfigModule],
      inject: [ConfigService],
      useFactory: (config: ConfigService) =>
        securityOptions((name) => config.get<string>(name)),
      userProvider: AppUserProvider,
    }),
  ],
  controllers: [AppController],
  providers: [AppService],
})
export class AppModule {}
`;

const NEXT_STEPS = `Rampart is set up. Next:
  1. Connect src/security/app-user.provider.ts to your user store (until then nobody can sign in).
  2. Copy the settings you need from .env.example into .env (JWT_PRIVATE_KEY in production).
  3. Every route now needs authentication: mark open ones @Public(), guard others with @Roles(...).
  4. Generate a guarded controller with its spec: nest g -c @rampart/security resource <name>`;

describe('init', () => {
  it('generates the user provider, the options, .env.example and imports SecurityModule.forRoot', async () => {
    const { tree, logs } = await runSchematic('init', {}, applicationTree());
    expect(contents(tree)).toEqual({
      '/.env.example': ENV_EXAMPLE,
      '/package.json': applicationPackageJson(),
      '/src/app.module.ts': FOR_ROOT_APP_MODULE,
      '/src/security/app-user.provider.ts': USER_PROVIDER,
      '/src/security/security-options.ts': SECURITY_OPTIONS,
    });
    expect(logs).toEqual([NEXT_STEPS]);
  });

  it('points an Express app at PrototypedExpressAdapter in its next steps', async () => {
    const { logs } = await runSchematic(
      'init',
      {},
      applicationTree({}, { '@nestjs/platform-express': '^12.0.0' }),
    );
    expect(logs).toEqual([
      `${NEXT_STEPS}
  5. On Express, create the app on new PrototypedExpressAdapter() from '@rampart/security/express' in main.ts: same behaviour, about 2.5x the requests per second.`,
    ]);
  });

  it('uses forRootAsync with ConfigService when the app depends on @nestjs/config', async () => {
    const { tree, logs } = await runSchematic(
      'init',
      {},
      applicationTree({}, { '@nestjs/config': '^4.0.0' }),
    );
    expect(tree.readContent('/src/app.module.ts')).toBe(FOR_ROOT_ASYNC_APP_MODULE);
    expect(logs).toEqual([
      `${NEXT_STEPS}\n  Settings are read through ConfigService: import ConfigModule.forRoot() in the root module to load .env.`,
    ]);
  });

  it('changes nothing when run a second time', async () => {
    const first = await runSchematic('init', {}, applicationTree({}, { '@nestjs/config': '^4' }));
    const before = contents(first.tree);
    const second = await runSchematic('init', {}, treeFrom(before));
    expect(contents(second.tree)).toEqual(before);
    expect(second.tree.actions).toEqual([]);
    expect(second.logs[0]).toBe(
      'src/app.module.ts already imports SecurityModule: left unchanged.',
    );
  });

  it('leaves the root module alone with --skip-import, and says so', async () => {
    const { tree, logs } = await runSchematic('init', { skipImport: true }, applicationTree());
    expect(tree.readContent('/src/app.module.ts')).toBe(NEW_APP_MODULE);
    expect(tree.readContent('/src/security/app-user.provider.ts')).toBe(USER_PROVIDER);
    expect(logs).toEqual([
      `${NEXT_STEPS}\n  Skipped the root module (--skip-import): add SecurityModule.forRoot(...) to src/app.module.ts yourself.`,
    ]);
  });

  it('keeps files the app already has, and appends to an existing .env.example', async () => {
    const { tree } = await runSchematic(
      'init',
      {},
      applicationTree({
        '/.env.example': 'PORT=3000',
        '/src/security/app-user.provider.ts': 'export class AppUserProvider {}\n',
      }),
    );
    expect(tree.readContent('/.env.example')).toBe(`PORT=3000\n\n${ENV_EXAMPLE}`);
    expect(tree.readContent('/src/security/app-user.provider.ts')).toBe(
      'export class AppUserProvider {}\n',
    );
    expect(tree.readContent('/src/security/security-options.ts')).toBe(SECURITY_OPTIONS);
  });

  it('follows --source-root and --module', async () => {
    const tree = applicationTree({ '/apps/api/main.module.ts': NEW_APP_MODULE });
    tree.delete('/src/app.module.ts');
    const result = await runSchematic(
      'init',
      { sourceRoot: 'apps/api', module: 'main.module.ts' },
      tree,
    );
    expect(result.tree.readContent('/apps/api/main.module.ts')).toBe(FOR_ROOT_APP_MODULE);
    expect(result.tree.exists('/apps/api/security/app-user.provider.ts')).toBe(true);
  });

  it.each([
    [
      'no imports property',
      `import { Module } from '@nestjs/common';\n\n@Module({\n  controllers: [],\n})\nexport class AppModule {}\n`,
      `import { Module } from '@nestjs/common';\nimport { SecurityModule } from '@rampart/security';\nimport { AppUserProvider } from './security/app-user.provider';\nimport { securityOptions } from './security/security-options';\n\n@Module({\n  imports: [\n    SecurityModule.forRoot({\n      ...securityOptions((name) => process.env[name]),\n      userProvider: AppUserProvider,\n    }),\n  ],\n  controllers: [],\n})\nexport class AppModule {}\n`,
    ],
    [
      'an empty @Module({})',
      `import { Module } from '@nestjs/common';\n\n@Module({})\nexport class AppModule {}\n`,
      `import { Module } from '@nestjs/common';\nimport { SecurityModule } from '@rampart/security';\nimport { AppUserProvider } from './security/app-user.provider';\nimport { securityOptions } from './security/security-options';\n\n@Module({\n  imports: [\n    SecurityModule.forRoot({\n      ...securityOptions((name) => process.env[name]),\n      userProvider: AppUserProvider,\n    }),\n  ],\n})\nexport class AppModule {}\n`,
    ],
    [
      'imports on one line',
      `import { Module } from '@nestjs/common';\nimport { UsersModule } from './users/users.module';\n\n@Module({ imports: [UsersModule] })\nexport class AppModule {}\n`,
      `import { Module } from '@nestjs/common';\nimport { UsersModule } from './users/users.module';\nimport { SecurityModule } from '@rampart/security';\nimport { AppUserProvider } from './security/app-user.provider';\nimport { securityOptions } from './security/security-options';\n\n@Module({ imports: [\n  UsersModule,\n  SecurityModule.forRoot({\n    ...securityOptions((name) => process.env[name]),\n    userProvider: AppUserProvider,\n  }),\n] })\nexport class AppModule {}\n`,
    ],
    [
      'imports over several lines, and @rampart/security imported already',
      `import { Module } from '@nestjs/common';\nimport { Public } from '@rampart/security';\n\n@Module({\n  imports: [\n    UsersModule,\n    NotesModule,\n  ],\n})\nexport class AppModule {}\n`,
      `import { Module } from '@nestjs/common';\nimport { Public, SecurityModule } from '@rampart/security';\nimport { AppUserProvider } from './security/app-user.provider';\nimport { securityOptions } from './security/security-options';\n\n@Module({\n  imports: [\n    UsersModule,\n    NotesModule,\n    SecurityModule.forRoot({\n      ...securityOptions((name) => process.env[name]),\n      userProvider: AppUserProvider,\n    }),\n  ],\n})\nexport class AppModule {}\n`,
    ],
  ])('adds SecurityModule to a root module with %s', async (_case, before, after) => {
    const { tree } = await runSchematic(
      'init',
      {},
      applicationTree({ '/src/app.module.ts': before }),
    );
    expect(tree.readContent('/src/app.module.ts')).toBe(after);
  });

  it('generates code formatted like a new Nest app (prettier)', async () => {
    const { tree } = await runSchematic(
      'init',
      {},
      applicationTree({}, { '@nestjs/config': '^4' }),
    );
    for (const path of [
      '/src/app.module.ts',
      '/src/security/app-user.provider.ts',
      '/src/security/security-options.ts',
    ]) {
      const source = tree.readContent(path);
      await expect(formatLikeNest(source)).resolves.toBe(source);
    }
  });

  it.each([
    [
      'a missing root module',
      { module: 'main.module.ts' },
      /The root module \/src\/main\.module\.ts does not exist\. Fix: pass --module/,
    ],
    [
      'a root module without @Module({ ... })',
      { module: 'app.controller.ts' },
      /has no @Module\(\{ \.\.\. \}\) with an `imports` array literal\. Fix: pass --skip-import/,
    ],
    [
      'a JavaScript application',
      { language: 'js' },
      /supports TypeScript applications only, got language "js"/,
    ],
  ])('refuses %s', async (_case, options, message) => {
    const tree = applicationTree({ '/src/app.controller.ts': 'export class AppController {}\n' });
    await expect(runSchematic('init', options, tree)).rejects.toThrow(message);
  });
});
