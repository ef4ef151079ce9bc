import { Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { AuthGuard, Public, Session, SessionService } from '../../lib/index.js';
import { BENCH_USER } from '../bench.config.js';

interface BenchSession {
  theme?: string;
  counter?: number;
}

/** nestjs-sessions, written the way the README's quick start shows. */
@Controller()
export class OursController {
  private sweep: Promise<{ deleted: number; ms: number }> | undefined;

  constructor(private readonly sessions: SessionService) {}

  @Post('login')
  @HttpCode(200)
  async login(@Session() session: Session<BenchSession>) {
    await this.sessions.signIn(session, BENCH_USER);
    session.set('theme', 'dark');
    return { ok: true };
  }

  /** Reads the session, changes nothing. */
  @UseGuards(AuthGuard)
  @Get('me')
  me(@Session() session: Session<BenchSession>) {
    return { userId: session.userId, theme: session.get('theme') };
  }

  /** Changes one key. */
  @UseGuards(AuthGuard)
  @Get('me/touch')
  touch(@Session() session: Session<BenchSession>) {
    const counter = (session.get('counter') ?? 0) + 1;
    session.set('counter', counter);
    return { userId: session.userId, counter };
  }

  /** Does not use the session. */
  @Public()
  @Get('health')
  health() {
    return { ok: true };
  }

  /**
   * Scale runs: starts `SessionService.deleteExpired()` in this process (answering at once, so
   * no HTTP timeout applies to a long sweep); `GET bench/sweep` reports it once done.
   */
  @Post('bench/sweep')
  @HttpCode(202)
  startSweep() {
    const started = performance.now();
    this.sweep = this.sessions
      .deleteExpired()
      .then((deleted) => ({ deleted, ms: performance.now() - started }));
    this.sweep.catch(() => undefined);
    return { started: true };
  }

  @Get('bench/sweep')
  async sweepResult() {
    const pending = { done: false };
    const result = await Promise.race([this.sweep, Promise.resolve(pending)]);
    return result === pending || result === undefined ? pending : { done: true, ...result };
  }
}
