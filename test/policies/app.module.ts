import {
  Controller,
  Get,
  Inject,
  Injectable,
  Module,
  NotFoundException,
  Param,
  Scope,
  type DynamicModule,
} from '@nestjs/common';
import { REQUEST } from '@nestjs/core';
import {
  CurrentUser,
  Policies,
  RESOLVED_SECURITY_OPTIONS,
  SecurityModule,
  SecurityPolicy,
  type PolicyContext,
  type PolicyHandler,
  type Principal,
  type ResolvedSecurityOptions,
  type SecurityModuleOptions,
  type SecurityRequest,
} from '@rampart/security';

export interface Note {
  readonly id: string;
  readonly ownerId: string;
  readonly text: string;
}

/** The notes of the scenario, looked up asynchronously like a database would be. */
@Injectable()
export class NotesStore {
  private readonly notes = new Map<string, Note>([
    ['n-alice', { id: 'n-alice', ownerId: 'u-alice', text: "alice's note" }],
    ['n-bob', { id: 'n-bob', ownerId: 'u-bob', text: "bob's note" }],
  ]);

  async find(id: string): Promise<Note | undefined> {
    await Promise.resolve();
    return this.notes.get(id);
  }
}

/** 404 for a note that does not exist (an HttpException thrown by a policy is the response). */
@SecurityPolicy('notes.exists')
@Injectable()
export class NoteExistsPolicy implements PolicyHandler {
  constructor(private readonly notes: NotesStore) {}

  async handle({ params }: PolicyContext): Promise<boolean> {
    if ((await this.notes.find(params.id ?? '')) === undefined) {
      throw new NotFoundException('No such note.');
    }
    return true;
  }
}

/** Only the note's owner; an admin is not let in (the policy does not say so). */
@SecurityPolicy('notes.owner')
@Injectable()
export class NotesOwnerPolicy implements PolicyHandler {
  constructor(private readonly notes: NotesStore) {}

  async handle({ principal, params }: PolicyContext): Promise<boolean> {
    const note = await this.notes.find(params.id ?? '');
    return note !== undefined && note.ownerId === principal.id;
  }
}

/** The note's owner, or anyone holding `admin` through the role hierarchy. */
@SecurityPolicy('notes.owner-or-admin')
@Injectable()
export class NotesOwnerOrAdminPolicy implements PolicyHandler {
  constructor(
    private readonly owner: NotesOwnerPolicy,
    @Inject(RESOLVED_SECURITY_OPTIONS) private readonly options: ResolvedSecurityOptions,
  ) {}

  async handle(context: PolicyContext): Promise<boolean> {
    return (
      this.options.roles.grants(context.principal.roles, 'admin') ||
      (await this.owner.handle(context))
    );
  }
}

/** A policy with a bug: it throws, with a message that must never reach the client. */
@SecurityPolicy('explodes')
@Injectable()
export class ExplodingPolicy implements PolicyHandler {
  handle(): boolean {
    throw new Error('connection to db-internal.example:5432 refused (password=hunter2)');
  }
}

/** A policy that forgets to return a boolean: a truthy string still denies. */
@SecurityPolicy('sloppy')
@Injectable()
export class SloppyPolicy implements PolicyHandler {
  handle(): boolean {
    return 'yes' as unknown as boolean;
  }
}

/** Request-scoped: resolved per request, with the request injected. */
@SecurityPolicy('tenant.header')
@Injectable({ scope: Scope.REQUEST })
export class TenantHeaderPolicy implements PolicyHandler {
  constructor(@Inject(REQUEST) private readonly request: SecurityRequest) {}

  handle(): boolean {
    return this.request.headers['x-tenant'] === 'acme';
  }
}

/** The module that owns the notes and their policies (not the one importing SecurityModule). */
@Module({
  providers: [
    NotesStore,
    NoteExistsPolicy,
    NotesOwnerPolicy,
    NotesOwnerOrAdminPolicy,
    ExplodingPolicy,
    SloppyPolicy,
    TenantHeaderPolicy,
  ],
  exports: [NotesStore],
})
export class NotesModule {}

@Controller('notes')
export class NotesController {
  constructor(private readonly notes: NotesStore) {}

  @Policies('notes.exists', 'notes.owner')
  @Get(':id')
  async read(@Param('id') id: string): Promise<Note | undefined> {
    return this.notes.find(id);
  }

  @Policies('notes.owner-or-admin')
  @Get(':id/managed')
  async managed(@Param('id') id: string): Promise<Note | undefined> {
    return this.notes.find(id);
  }
}

@Controller('misc')
export class MiscController {
  @Policies('explodes')
  @Get('explodes')
  explodes(): string {
    return 'never';
  }

  @Policies('sloppy')
  @Get('sloppy')
  sloppy(): string {
    return 'never';
  }

  @Policies('tenant.header')
  @Get('tenant')
  tenant(@CurrentUser() user: Principal): { tenant: 'acme'; user: string } {
    return { tenant: 'acme', user: user.username };
  }
}

@Module({})
export class PoliciesScenarioModule {
  static with(options: SecurityModuleOptions): DynamicModule {
    return {
      module: PoliciesScenarioModule,
      imports: [SecurityModule.forRoot(options), NotesModule],
      controllers: [NotesController, MiscController],
    };
  }
}
