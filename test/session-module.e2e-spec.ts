import 'reflect-metadata';
import { Controller, Get, Module, Post, HttpCode } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { IsIn, IsOptional } from 'class-validator';
import request from 'supertest';
import { AuthGuard, MemorySessionStore, Public, Session, SessionModule } from '../lib/index.js';
import { AccountController } from './fixtures/account.controller.js';
import { ADAPTERS, cookieFrom, createHttpApp } from './support/http-app.js';

const secret = 'm'.repeat(32);

@Controller('feature')
class FeatureController {
  @Get('private')
  private() {
    return { ok: true };
  }

  @Public()
  @Get('open')
  open() {
    return { ok: true };
  }
}

/** A feature module that uses the global SessionModule's AuthGuard as its APP_GUARD. */
@Module({
  controllers: [FeatureController],
  providers: [{ provide: APP_GUARD, useClass: AuthGuard }],
})
class FeatureModule {}

class ThemeData {
  @IsOptional() @IsIn(['dark', 'light']) theme?: string;
}

@Controller()
class ThemeController {
  @Post('theme/:value')
  @HttpCode(200)
  set(@Session() session: Session<ThemeData>) {
    session.set('theme', 'purple');
  }
}

describe.each(ADAPTERS)('SessionModule (%s)', (adapter) => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it.each(['1m', '30s'] as const)(
    'boots with idleTimeout %s and touchInterval left unset, and serves the session',
    async (idleTimeout) => {
      app = await createHttpApp(adapter, {
        imports: [
          SessionModule.forRoot({
            secret,
            idleTimeout,
            store: new MemorySessionStore(),
            cleanup: false,
          }),
        ],
        controllers: [AccountController],
      });
      const login = await request(app.getHttpServer()).post('/login').send({ userId: 'u' });
      const me = await request(app.getHttpServer())
        .get('/me')
        .set('Cookie', cookieFrom(login)!)
        .expect(200);
      expect(me.body.userId).toBe('u');
    },
  );

  it('refuses to boot with a touchInterval the user set that is not shorter than idleTimeout', async () => {
    await expect(
      createHttpApp(adapter, {
        imports: [
          SessionModule.forRoot({
            secret,
            idleTimeout: '30s',
            touchInterval: '30s',
            store: new MemorySessionStore(),
          }),
        ],
      }),
    ).rejects.toThrow('`touchInterval` must be shorter than `idleTimeout`');
  });

  it('forRootAsync takes its options from a factory', async () => {
    app = await createHttpApp(adapter, {
      imports: [
        SessionModule.forRootAsync({
          useFactory: () => ({ secret, store: new MemorySessionStore(), cleanup: false as const }),
        }),
      ],
      controllers: [AccountController],
    });
    const login = await request(app.getHttpServer())
      .post('/login')
      .send({ userId: 'a' })
      .expect(200);
    await request(app.getHttpServer()).get('/me').set('Cookie', cookieFrom(login)!).expect(200);
  });

  it('fails at startup, naming the bad option', async () => {
    await expect(
      createHttpApp(adapter, {
        imports: [SessionModule.forRoot({ secret: 'short', store: new MemorySessionStore() })],
      }),
    ).rejects.toThrow(/`secret` must be a string of at least 32 characters/);
  });

  it('fails at startup when no store is given and there is no TypeORM DataSource', async () => {
    await expect(
      createHttpApp(adapter, { imports: [SessionModule.forRoot({ secret, cleanup: false })] }),
    ).rejects.toThrow(/no `store` was given and no TypeORM DataSource was found/);
  });

  it('is global: AuthGuard works as APP_GUARD in another module, and @Public() exempts', async () => {
    app = await createHttpApp(adapter, {
      imports: [
        SessionModule.forRoot({ secret, store: new MemorySessionStore(), cleanup: false }),
        FeatureModule,
      ],
    });
    await request(app.getHttpServer()).get('/feature/private').expect(401);
    await request(app.getHttpServer()).get('/feature/open').expect(200);
  });

  it('answers a browser with 303 to loginPath and an API client with 401', async () => {
    app = await createHttpApp(adapter, {
      imports: [
        SessionModule.forRoot({
          secret,
          store: new MemorySessionStore(),
          loginPath: '/signin',
          cleanup: false,
        }),
      ],
      controllers: [AccountController],
    });
    const browser = await request(app.getHttpServer())
      .get('/me')
      .set('Accept', 'text/html,*/*')
      .expect(303);
    expect(browser.headers.location).toBe('/signin');
    const api = await request(app.getHttpServer())
      .get('/me')
      .set('Accept', 'application/json')
      .expect(401);
    expect(api.body).toMatchObject({ statusCode: 401, message: 'Sign-in required.' });
  });

  it('refuses session data that fails dataClass with a 500 naming the field, storing nothing', async () => {
    const store = new MemorySessionStore();
    app = await createHttpApp(adapter, {
      imports: [SessionModule.forRoot({ secret, store, dataClass: ThemeData, cleanup: false })],
      controllers: [ThemeController],
    });
    const res = await request(app.getHttpServer()).post('/theme/purple').expect(500);
    expect(res.body.message).toContain('theme');
    expect(store.size).toBe(0);
  });
});
