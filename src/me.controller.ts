import { Controller, Get } from '@nestjs/common';
import { CurrentUser, type Principal } from '@rampart/security';

@Controller('me')
export class MeController {
  @Get()
  me(@CurrentUser() user: Principal): Pick<Principal, 'id' | 'username' | 'roles' | 'authMethod'> {
    return { id: user.id, username: user.username, roles: user.roles, authMethod: user.authMethod };
  }
}
