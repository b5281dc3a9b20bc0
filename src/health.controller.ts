import { Controller, Get } from '@nestjs/common';
import { Public } from '@rampart/security';

@Controller('health')
export class HealthController {
  @Public()
  @Get()
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
