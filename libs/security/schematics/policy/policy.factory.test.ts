import {
  applicationPackageJson,
  applicationTree,
  contents,
  formatLikeNest,
  NEW_APP_MODULE,
  runSchematic,
} from '../testing/schematic-test-helpers';

/** What `policy notes.owner` generates (exact content). */
const NOTES_OWNER_POLICY = `import { Injectable } from '@nestjs/common';
import {
  SecurityPolicy,
  type PolicyContext,
  type PolicyHandler,
} from '@rampart/security';

/**
 * The \`notes.owner\` policy; routes require it with
 * @Policies('notes.owner'). It runs after authentication and @Roles(),
 * only for an authenticated principal. \`true\` allows; anything else answers
 * 403 SECURITY_FORBIDDEN. Inject what the decision needs (a repository, a
 * service) through the constructor.
 */
@SecurityPolicy('notes.owner')
@Injectable()
export class NotesOwnerPolicy implements PolicyHandler {
  handle({ principal, params }: PolicyContext): boolean | Promise<boolean> {
    // TODO: your rule. As generated, a caller passes only where the route's
    // :ownerId parameter is its own id, e.g. GET /users/:ownerId/notes.
    return params.ownerId === principal.id;
  }
}
`;

const NOTES_OWNER_POLICY_SPEC = `import { Controller, Get, type INestApplication } from '@nestjs/common';
import { Policies, SecurityModule } from '@rampart/security';
import {
  bearer,
  createSecurityTestingApp,
  createSecurityTestingModule,
} from '@rampart/security/testing';
import request from 'supertest';
import { NotesOwnerPolicy } from './notes-owner.policy';

@Controller('probe')
class ProbeController {
  @Policies('notes.owner')
  @Get(':ownerId')
  read(): { allowed: boolean } {
    return { allowed: true };
  }
}

describe('NotesOwnerPolicy', () => {
  let app: INestApplication;
  const alice = { id: 'u-alice', roles: ['user'] };
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    // The real guards ask the policy; add its own dependencies (or test
    // doubles) to \`providers\`.
    app = await createSecurityTestingApp(
      createSecurityTestingModule({
        imports: [
          SecurityModule.forRoot({
            environment: 'test',
            jwt: { issuer: 'https://issuer.test', audience: 'test' },
          }),
        ],
        controllers: [ProbeController],
        providers: [NotesOwnerPolicy],
      }),
      { logger: false },
    );
  });

  afterAll(() => app.close());

  it('allows the owner', async () => {
    await http()
      .get('/probe/u-alice')
      .set(bearer(app, alice))
      .expect(200, { allowed: true });
  });

  it('answers 403 to anyone else', async () => {
    const response = await http()
      .get('/probe/u-bob')
      .set(bearer(app, alice))
      .expect(403);
    expect(response.body).toMatchObject({ code: 'SECURITY_FORBIDDEN' });
  });

  it('answers 401 to anonymous callers before asking the policy', async () => {
    const response = await http().get('/probe/u-alice').expect(401);
    expect(response.body).toMatchObject({
      code: 'SECURITY_AUTHENTICATION_REQUIRED',
    });
  });
});
`;

const NOTES_MODULE = `import { Module } from '@nestjs/common';
import { NotesController } from './notes.controller';

@Module({
  controllers: [NotesController],
})
export class NotesModule {}
`;

describe('policy', () => {
  it('generates the policy and its spec, and registers it in AppModule', async () => {
    const { tree } = await runSchematic('policy', { name: 'notes.owner' }, applicationTree());
    expect(contents(tree)).toEqual({
      '/package.json': applicationPackageJson(),
      '/src/app.module.ts': `import { Module } from '@nestjs/common';
import { AppController } from './app.controller';
import { AppService } from './app.service';
import { NotesOwnerPolicy } from './notes-owner/notes-owner.policy';

@Module({
  imports: [],
  controllers: [AppController],
  providers: [AppService, NotesOwnerPolicy],
})
export class AppModule {}
`,
      '/src/notes-owner/notes-owner.policy.spec.ts': NOTES_OWNER_POLICY_SPEC,
      '/src/notes-owner/notes-owner.policy.ts': NOTES_OWNER_POLICY,
    });
  });

  it('generates code formatted like a new Nest app (prettier)', async () => {
    const { tree } = await runSchematic('policy', { name: 'notes.owner' }, applicationTree());
    for (const path of [
      '/src/notes-owner/notes-owner.policy.ts',
      '/src/notes-owner/notes-owner.policy.spec.ts',
    ]) {
      const source = tree.readContent(path);
      await expect(formatLikeNest(source)).resolves.toBe(source);
    }
  });

  it('goes into the feature folder with --path and --flat, registered in its module', async () => {
    const { tree } = await runSchematic(
      'policy',
      { name: 'notes.owner', path: 'notes', flat: true },
      applicationTree({ '/src/notes/notes.module.ts': NOTES_MODULE }),
    );
    expect(tree.readContent('/src/notes/notes.module.ts'))
      .toBe(`import { Module } from '@nestjs/common';
import { NotesController } from './notes.controller';
import { NotesOwnerPolicy } from './notes-owner.policy';

@Module({
  controllers: [NotesController],
  providers: [NotesOwnerPolicy],
})
export class NotesModule {}
`);
    expect(tree.readContent('/src/app.module.ts')).toBe(NEW_APP_MODULE);
    expect(tree.exists('/src/notes/notes-owner.policy.ts')).toBe(true);
    expect(tree.exists('/src/notes/notes-owner.policy.spec.ts')).toBe(true);
  });

  it('generates no spec with --no-spec, and registers nothing with --skip-import', async () => {
    const { tree } = await runSchematic(
      'policy',
      { name: 'tenant.member', spec: false, skipImport: true },
      applicationTree(),
    );
    expect(Object.keys(contents(tree))).toEqual([
      '/package.json',
      '/src/app.module.ts',
      '/src/tenant-member/tenant-member.policy.ts',
    ]);
    expect(tree.readContent('/src/app.module.ts')).toBe(NEW_APP_MODULE);
    expect(tree.readContent('/src/tenant-member/tenant-member.policy.ts')).toContain(
      "@SecurityPolicy('tenant.member')\n@Injectable()\nexport class TenantMemberPolicy implements PolicyHandler {",
    );
  });

  it.each([
    ['upper case', 'Notes.Owner'],
    ['a leading dot', '.owner'],
    ['an empty segment', 'notes..owner'],
    ['a slash', 'notes/owner'],
    ['spaces', 'notes owner'],
    ['nothing', ''],
  ])('refuses a name with %s', async (_case, name) => {
    await expect(runSchematic('policy', { name }, applicationTree())).rejects.toThrow(
      /is not a usable policy name: use lower-case dot-separated words/,
    );
  });
});
