// A minimal app using the published package by name. The consumer test compiles this one
// file twice, as CommonJS and as ESM, and runs each with plain Node.
import 'reflect-metadata';
import { Body, Controller, Get, Module, Post, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import {
  AuthGuard,
  MemorySessionStore,
  Session,
  SessionModule,
  SessionService,
  SessionThrottlerGuard,
} from 'nestjs-sessions';

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
    ThrottlerModule.forRoot([{ ttl: 60_000, limit: 2 }]),
    SessionModule.forRoot({ secret: 'c'.repeat(32), store: new MemorySessionStore() }),
  ],
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
    body: JSON.stringify({ userId: 'u-42' }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  const anonymous = await fetch(`${base}/me`);
  const me = await fetch(`${base}/me`, { headers: { cookie } });
  const limited: number[] = [];
  for (let i = 0; i < 3; i++) limited.push((await fetch(`${base}/limited`)).status);
  const format = typeof require === 'function' ? 'commonjs' : 'esm';
  const result = { format, anonymous: anonymous.status, me: await me.json(), limited };
  console.log(JSON.stringify(result));
  await app.close();
}

void main();
