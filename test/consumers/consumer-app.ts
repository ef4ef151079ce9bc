// A minimal app using the published package by name. The consumer test compiles this one
// file twice, as CommonJS and as ESM, and runs each with plain Node. It listens to the
// package's events through the optional @nestjs/event-emitter.
import 'reflect-metadata';
import { Body, Controller, Get, Injectable, Module, Post, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventEmitterModule, OnEvent } from '@nestjs/event-emitter';
import { ThrottlerModule } from '@nestjs/throttler';
import {
  AuthGuard,
  MemorySessionStore,
  SESSION_EVENTS,
  Session,
  SessionModule,
  SessionService,
  SessionThrottlerGuard,
} from 'nestjs-sessions';
import type { SessionEvent } from 'nestjs-sessions';

/** The users signed in, as the package's `session.signedIn` events told. */
@Injectable()
class SignInLog {
  readonly userIds: string[] = [];

  @OnEvent(SESSION_EVENTS.signedIn)
  signedIn(event: SessionEvent): void {
    if (event.userId !== null) this.userIds.push(event.userId);
  }
}

@Controller()
class AppController {
  constructor(private readonly sessions: SessionService) {}

  @Post('login')
  async login(@Body() body: { userId: string }, @Session() session: Session<{ theme: string }>) {
    await this.sessions.signIn(session, body.userId);
    session.set('theme', 'dark');
    return { ok: true };
  }

  @UseGuards(SessionThrottlerGuard)
  @Get('limited')
  limited() {
    return { ok: true };
  }

  @UseGuards(AuthGuard)
  @Get('me')
  me(@Session() session: Session<{ theme: string }>) {
    return { userId: session.userId, theme: session.get('theme') };
  }
}

@Module({
  imports: [
    EventEmitterModule.forRoot(),
    ThrottlerModule.forRoot([{ ttl: 60_000, limit: 2 }]),
    SessionModule.forRoot({ secret: 'c'.repeat(32), store: new MemorySessionStore() }),
  ],
  controllers: [AppController],
  providers: [SignInLog],
})
class AppModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const base = await app.getUrl();
  const login = await fetch(`${base}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId: 'u-42' }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  const anonymous = await fetch(`${base}/me`);
  const me = await fetch(`${base}/me`, { headers: { cookie } });
  const limited: number[] = [];
  for (let i = 0; i < 3; i++) limited.push((await fetch(`${base}/limited`)).status);
  const format = typeof require === 'function' ? 'commonjs' : 'esm';
  const signedIn = app.get(SignInLog).userIds;
  const result = { format, anonymous: anonymous.status, me: await me.json(), limited, signedIn };
  console.log(JSON.stringify(result));
  await app.close();
}

void main();
