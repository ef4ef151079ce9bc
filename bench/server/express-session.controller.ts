import { Controller, Get, HttpCode, Post, Req, UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';
import { BENCH_USER } from '../bench.config.js';

declare module 'express-session' {
  interface SessionData {
    userId: string;
    theme: string;
    counter: number;
  }
}

/** express-session (a global middleware): the session is on `req.session`. */
@Controller()
export class ExpressSessionController {
  @Post('login')
  @HttpCode(200)
  login(@Req() req: Request) {
    req.session.userId = BENCH_USER;
    req.session.theme = 'dark';
    return { ok: true };
  }

  @Get('me')
  me(@Req() req: Request) {
    const { userId, theme } = req.session;
    if (userId === undefined) throw new UnauthorizedException();
    return { userId, theme };
  }

  @Get('me/touch')
  touch(@Req() req: Request) {
    if (req.session.userId === undefined) throw new UnauthorizedException();
    const counter = (req.session.counter ?? 0) + 1;
    req.session.counter = counter;
    return { userId: req.session.userId, counter };
  }

  @Get('health')
  health() {
    return { ok: true };
  }
}
