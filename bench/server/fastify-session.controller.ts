import { Controller, Get, HttpCode, Post, Req, UnauthorizedException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { BENCH_USER } from '../bench.config.js';

declare module 'fastify' {
  interface Session {
    userId?: string;
    theme?: string;
    counter?: number;
  }
}

/** @fastify/session (a plugin on every route): the session is on `request.session`. */
@Controller()
export class FastifySessionController {
  @Post('login')
  @HttpCode(200)
  login(@Req() req: FastifyRequest) {
    req.session.set('userId', BENCH_USER);
    req.session.set('theme', 'dark');
    return { ok: true };
  }

  @Get('me')
  me(@Req() req: FastifyRequest) {
    const userId = req.session.get('userId');
    if (userId === undefined) throw new UnauthorizedException();
    return { userId, theme: req.session.get('theme') };
  }

  @Get('me/touch')
  touch(@Req() req: FastifyRequest) {
    const userId = req.session.get('userId');
    if (userId === undefined) throw new UnauthorizedException();
    const counter = (req.session.get('counter') ?? 0) + 1;
    req.session.set('counter', counter);
    return { userId, counter };
  }

  @Get('health')
  health() {
    return { ok: true };
  }
}
