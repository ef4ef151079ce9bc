// An app with none of the package's optional peers installed (no @nestjs/throttler, ioredis,
// pg, @nestjs/event-emitter, @nestjs/terminus, @nestjs/graphql or @nestjs/websockets): the
// consumer test compiles it with `skipLibCheck: false` against the built package's types, in a
// folder whose node_modules holds only the required packages, and runs it. It uses the event
// and health-check API, whose types must not need those peers.
import 'reflect-metadata';
import { Body, Controller, Get, Module, Post, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  AuthGuard,
  MemorySessionStore,
  SESSION_EVENTS,
  Session,
  SessionModule,
  SessionService,
  SessionStoreHealthIndicator,
} from 'nestjs-sessions';
import type {
  SessionEvent,
  SessionEventName,
  SessionRevokeReason,
  SessionStoreHealth,
} from 'nestjs-sessions';

/** What an app's listener would log of an event (nothing emits here: no event-emitter). */
export function describeEvent(name: SessionEventName, event: SessionEvent): string {
  const reason: SessionRevokeReason | undefined = event.reason;
  return `${name} ${event.id} ${event.userId ?? 'anonymous'} ${event.at.toISOString()} ${reason ?? ''}`;
}

@Controller()
class AppController {
  constructor(
    private readonly sessions: SessionService,
    private readonly sessionStore: SessionStoreHealthIndicator,
  ) {}

  @Get('health')
  health(): Promise<SessionStoreHealth<'db-sessions'>> {
    return this.sessionStore.isHealthy('db-sessions');
  }

  @Post('login')
  async login(@Body() body: { userId: string }, @Session() session: Session<{ theme: string }>) {
    await this.sessions.signIn(session, body.userId);
    session.set('theme', 'light');
    return { ok: true };
  }

  @UseGuards(AuthGuard)
  @Get('me')
  me(@Session() session: Session<{ theme: string }>) {
    return { userId: session.userId, theme: session.get('theme') };
  }
}

@Module({
  imports: [SessionModule.forRoot({ secret: 'b'.repeat(32), store: new MemorySessionStore() })],
  controllers: [AppController],
})
class AppModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const base = await app.getUrl();
  const login = await fetch(`${base}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId: 'u-7' }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  const anonymous = await fetch(`${base}/me`);
  const me = await fetch(`${base}/me`, { headers: { cookie } });
  const health = await fetch(`${base}/health`);
  const result = {
    anonymous: anonymous.status,
    me: await me.json(),
    health: await health.json(),
    events: Object.values(SESSION_EVENTS),
  };
  console.log(JSON.stringify(result));
  await app.close();
}

void main();
