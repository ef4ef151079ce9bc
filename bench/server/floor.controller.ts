import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { BENCH_USER } from '../bench.config.js';

/** The same routes with no session: what any session library is measured against. */
@Controller()
export class FloorController {
  @Post('login')
  @HttpCode(200)
  login() {
    return { ok: true };
  }

  @Get('me')
  me() {
    return { userId: BENCH_USER, theme: 'dark' };
  }

  @Get('me/touch')
  touch() {
    return { userId: BENCH_USER, counter: 1 };
  }

  @Get('health')
  health() {
    return { ok: true };
  }
}
