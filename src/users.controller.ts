import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { Policies, type SecurityUser } from '@rampart/security';
import { DemoUsersService } from './demo-users.service';

/**
 * `GET /users/:id`: one demo account, `{ id, username, roles }`. The `users.self-or-admin` policy
 * lets a user read their own account and an admin any account; another user gets 403, an
 * anonymous caller 401, an unknown id (asked by an admin) 404.
 */
@Controller('users')
export class UsersController {
  constructor(private readonly users: DemoUsersService) {}

  @Policies('users.self-or-admin')
  @Get(':id')
  async findOne(@Param('id') id: string): Promise<SecurityUser> {
    const user = await this.users.findById(id);
    if (user === undefined) throw new NotFoundException('No such user.');
    return user;
  }
}
