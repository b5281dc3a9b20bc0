import {
  applicationPackageJson,
  applicationTree,
  contents,
  formatLikeNest,
  NEW_APP_MODULE,
  runSchematic,
} from '../testing/schematic-test-helpers';

/** What `resource notes` generates (exact content). */
const NOTES_CONTROLLER = `import { Controller, Delete, Get, Param } from '@nestjs/common';
import { CurrentUser, Public, Roles, type Principal } from '@rampart/security';

/**
 * Every route needs an authenticated principal (401 without one) unless it is
 * marked @Public(); @Roles() also requires a role (403 without it). Roles
 * follow the hierarchy in SecurityModule's options: an admin passes
 * @Roles('user').
 */
@Controller('notes')
export class NotesController {
  /** Anyone, signed in or not. */
  @Public()
  @Get('public')
  describe(): { resource: string } {
    return { resource: 'notes' };
  }

  /** Any authenticated principal. */
  @Get()
  findAll(@CurrentUser() user: Principal): { owner: string; items: string[] } {
    return { owner: user.id, items: [] };
  }

  /** Users (and, through the hierarchy, admins). */
  @Roles('user')
  @Get(':id')
  findOne(@Param('id') id: string): { id: string } {
    return { id };
  }

  /** Admins only. */
  @Roles('admin')
  @Delete(':id')
  remove(@Param('id') id: string): { deleted: string } {
    return { deleted: id };
  }
}
`;

const NOTES_CONTROLLER_SPEC = `import type { INestApplication } from '@nestjs/common';
import { SecurityModule } from '@rampart/security';
import {
  bearer,
  createSecurityTestingApp,
  createSecurityTestingModule,
} from '@rampart/security/testing';
import request from 'supertest';
import { NotesController } from './notes.controller';

describe('NotesController', () => {
  let app: INestApplication;
  const user = { id: 'u-user', roles: ['user'] };
  const admin = { id: 'u-admin', roles: ['admin'] };
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    // The real guards, with tokens minted by the app's own TokenService.
    app = await createSecurityTestingApp(
      createSecurityTestingModule({
        imports: [
          SecurityModule.forRoot({
            environment: 'test',
            jwt: { issuer: 'https://issuer.test', audience: 'test' },
            roles: { hierarchy: { admin: ['user'], user: [] } },
          }),
        ],
        controllers: [NotesController],
      }),
      { logger: false },
    );
  });

  afterAll(() => app.close());

  it('serves the public route to anyone', async () => {
    const response = await http().get('/notes/public');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ resource: 'notes' });
  });

  it('answers 401 to anonymous callers', async () => {
    const response = await http().get('/notes').expect(401);
    expect(response.body).toMatchObject({
      code: 'SECURITY_AUTHENTICATION_REQUIRED',
    });
  });

  it('serves any authenticated principal', async () => {
    await http()
      .get('/notes')
      .set(bearer(app, user))
      .expect(200, { owner: 'u-user', items: [] });
  });

  it('lets admins through @Roles("user") by the hierarchy', async () => {
    await http()
      .get('/notes/42')
      .set(bearer(app, admin))
      .expect(200, { id: '42' });
  });

  it('answers 403 to a user on an admin route', async () => {
    const response = await http()
      .delete('/notes/42')
      .set(bearer(app, user))
      .expect(403);
    expect(response.body).toMatchObject({ code: 'SECURITY_FORBIDDEN' });
  });

  it('lets admins delete', async () => {
    await http()
      .delete('/notes/42')
      .set(bearer(app, admin))
      .expect(200, { deleted: '42' });
  });
});
`;

const NOTES_APP_MODULE = `import { Module } from '@nestjs/common';
import { AppController } from './app.controller';
import { AppService } from './app.service';
import { NotesController } from './notes/notes.controller';

@Module({
  imports: [],
  controllers: [AppController, NotesController],
  providers: [AppService],
})
export class AppModule {}
`;

describe('resource', () => {
  it('generates the controller and its spec, and declares the controller in AppModule', async () => {
    const { tree } = await runSchematic('resource', { name: 'notes' }, applicationTree());
    expect(contents(tree)).toEqual({
      '/package.json': applicationPackageJson(),
      '/src/app.module.ts': NOTES_APP_MODULE,
      '/src/notes/notes.controller.spec.ts': NOTES_CONTROLLER_SPEC,
      '/src/notes/notes.controller.ts': NOTES_CONTROLLER,
    });
  });

  it('generates code formatted like a new Nest app (prettier)', async () => {
    const { tree } = await runSchematic('resource', { name: 'notes' }, applicationTree());
    for (const path of ['/src/notes/notes.controller.ts', '/src/notes/notes.controller.spec.ts']) {
      const source = tree.readContent(path);
      await expect(formatLikeNest(source)).resolves.toBe(source);
    }
  });

  it('takes a path in the name, and declares the controller in the nearest module', async () => {
    const adminModule = `import { Module } from '@nestjs/common';\n\n@Module({})\nexport class AdminModule {}\n`;
    const { tree } = await runSchematic(
      'resource',
      { name: 'admin/auditLogs' },
      applicationTree({ '/src/admin/admin.module.ts': adminModule }),
    );
    expect(tree.readContent('/src/admin/admin.module.ts')).toBe(
      `import { Module } from '@nestjs/common';\nimport { AuditLogsController } from './audit-logs/audit-logs.controller';\n\n@Module({\n  controllers: [AuditLogsController]\n})\nexport class AdminModule {}\n`,
    );
    expect(tree.readContent('/src/app.module.ts')).toBe(NEW_APP_MODULE);
    const controller = tree.readContent('/src/admin/audit-logs/audit-logs.controller.ts');
    expect(controller).toContain(`@Controller('audit-logs')\nexport class AuditLogsController {`);
    expect(tree.readContent('/src/admin/audit-logs/audit-logs.controller.spec.ts')).toContain(
      `import { AuditLogsController } from './audit-logs.controller';`,
    );
  });

  it('honours --flat, --path, --spec-file-suffix and --module', async () => {
    const { tree } = await runSchematic(
      'resource',
      { name: 'notes', path: 'features', flat: true, specFileSuffix: 'test', module: 'app' },
      applicationTree(),
    );
    expect(Object.keys(contents(tree))).toEqual([
      '/package.json',
      '/src/app.module.ts',
      '/src/features/notes.controller.test.ts',
      '/src/features/notes.controller.ts',
    ]);
    expect(tree.readContent('/src/app.module.ts')).toContain(
      "import { NotesController } from './features/notes.controller';",
    );
  });

  it('generates no spec with --no-spec, and leaves modules alone with --skip-import', async () => {
    const { tree } = await runSchematic(
      'resource',
      { name: 'notes', spec: false, skipImport: true },
      applicationTree(),
    );
    expect(Object.keys(contents(tree))).toEqual([
      '/package.json',
      '/src/app.module.ts',
      '/src/notes/notes.controller.ts',
    ]);
    expect(tree.readContent('/src/app.module.ts')).toBe(NEW_APP_MODULE);
  });

  it.each([
    ['a name that is not a word', { name: '42' }, /"42" is not a usable resource name/],
    ['an empty name', { name: ' ' }, /The resource needs a name/],
    ['a JavaScript application', { name: 'notes', language: 'js' }, /TypeScript applications only/],
    [
      'an app without a module',
      { name: 'notes', sourceRoot: 'lib' },
      /No module found for NotesController \(looked from \/lib\/notes upwards\)\. Fix: pass --module/,
    ],
  ])('refuses %s', async (_case, options, message) => {
    await expect(runSchematic('resource', options, applicationTree())).rejects.toThrow(message);
  });
});
