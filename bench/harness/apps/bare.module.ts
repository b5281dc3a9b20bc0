import { Controller, Get, Module } from '@nestjs/common';
import { okBody } from './bench-env';

/** The same routes as every other variant, with no security at all: the baseline. */
@Controller('api')
class BareController {
  @Get('orders')
  orders(): ReturnType<typeof okBody> {
    return okBody('u-1');
  }

  @Get('me')
  me(): ReturnType<typeof okBody> {
    return okBody('u-1');
  }

  @Get('ping')
  ping(): ReturnType<typeof okBody> {
    return okBody(undefined);
  }
}

@Module({ controllers: [BareController] })
export class BareModule {}
