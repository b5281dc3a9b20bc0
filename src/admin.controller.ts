import { Controller, Get } from '@nestjs/common';
import { CurrentUser, Roles, type Principal } from '@rampart/security';

@Controller('admin')
export class AdminController {
  @Roles('admin')
  @Get()
  admin(@CurrentUser() user: Principal): { admin: true; username: string } {
    return { admin: true, username: user.username };
  }
}
