import {
  Controller,
  Get,
  HttpCode,
  Module,
  Post,
  Req,
  UnauthorizedException,
} from '@nestjs/common';
import type { Request } from 'express';
import { okBody } from './bench-env';

interface BenchSession {
  user?: { id: string; roles: string[] };
}

/** Routes over express-session (installed in main with connect-redis): login, then a lookup. */
@Controller()
class ExpressSessionController {
  @Post('login')
  @HttpCode(200)
  login(@Req() request: Request): { ok: true } {
    (request.session as unknown as BenchSession).user = { id: 'u-1', roles: ['user'] };
    return { ok: true };
  }

  @Get('api/me')
  me(@Req() request: Request): ReturnType<typeof okBody> {
    const user = (request.session as unknown as BenchSession | undefined)?.user;
    if (user === undefined) throw new UnauthorizedException();
    return okBody(user.id);
  }
}

@Module({ controllers: [ExpressSessionController] })
export class ExpressSessionModule {}
