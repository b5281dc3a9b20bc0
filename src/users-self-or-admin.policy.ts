import { Inject, Injectable } from '@nestjs/common';
import {
  RESOLVED_SECURITY_OPTIONS,
  SecurityPolicy,
  type PolicyContext,
  type PolicyHandler,
  type ResolvedSecurityOptions,
} from '@rampart/security';

/**
 * The reference app's example policy: a user may read their own account (`GET /users/:id` with
 * their own id); anyone holding `admin` (through the role hierarchy) may read any. Registered in
 * AppModule's providers; `@Policies('users.self-or-admin')` on a route requires it.
 */
@SecurityPolicy('users.self-or-admin')
@Injectable()
export class UsersSelfOrAdminPolicy implements PolicyHandler {
  constructor(
    @Inject(RESOLVED_SECURITY_OPTIONS) private readonly options: ResolvedSecurityOptions,
  ) {}

  handle({ principal, params }: PolicyContext): boolean {
    return params.id === principal.id || this.options.roles.grants(principal.roles, 'admin');
  }
}
