import 'reflect-metadata';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import {
  CookieSessionStore,
  Session,
  SessionModule,
  SessionService,
  SessionStoreCapabilityError,
} from '../../lib/index.js';
import { AccountController } from '../fixtures/account.controller.js';
import type { AdapterName } from '../support/http-app.js';
import { ADAPTERS, cookieFrom, createHttpApp, setCookies } from '../support/http-app.js';
import { describeStoreOverHttp } from '../support/store-http-flow.js';

const MODULE_SECRET = 'm'.repeat(32);
const KEY_A = 'A'.repeat(32);
const KEY_B = 'B'.repeat(32);

describeStoreOverHttp('CookieSessionStore', () =>
  Promise.resolve({
    store: new CookieSessionStore({ secret: KEY_A }),
    teardown: () => Promise.resolve(),
  }),
);

/** Stores whatever it is given in the session, however large. */
@Controller()
class StashController {
  @Post('stash')
  @HttpCode(200)
  stash(@Body() body: { value: string }, @Session() session: Session<{ stash?: string }>) {
    session.set('stash', body.value);
    return { ok: true };
  }
}

describe.each(ADAPTERS)('CookieSessionStore over HTTP, its own behaviour (%s)', (adapter) => {
  const apps: INestApplication[] = [];

  /** A new app instance (nothing shared with the others but the secrets) on a new store. */
  async function startApp(storeSecret: string | string[]): Promise<INestApplication> {
    const app = await createAppOn(adapter, new CookieSessionStore({ secret: storeSecret }));
    apps.push(app);
    return app;
  }

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  async function signIn(app: INestApplication, userId: string): Promise<string> {
    const login = await request(app.getHttpServer()).post('/login').send({ userId }).expect(200);
    return cookieFrom(login)!;
  }

  it('carries the session in the cookie: a fresh app with the same secret serves it', async () => {
    const cookie = await signIn(await startApp(KEY_A), 'cookie-user');
    expect(decodeURIComponent(cookie)).not.toContain('cookie-user');

    const fresh = await startApp(KEY_A);
    const me = await request(fresh.getHttpServer()).get('/me').set('Cookie', cookie).expect(200);
    expect(me.body).toMatchObject({ userId: 'cookie-user', theme: 'dark' });
    const other = await startApp(KEY_B);
    await request(other.getHttpServer()).get('/me').set('Cookie', cookie).expect(401);
  });

  it('re-seals under the newest secret after rotation, and retires the old one', async () => {
    const sealedByA = await signIn(await startApp(KEY_A), 'rotating-user');

    const rotated = await startApp([KEY_B, KEY_A]);
    const counted = await request(rotated.getHttpServer())
      .post('/counter')
      .set('Cookie', sealedByA)
      .expect(200);
    const sealedByB = cookieFrom(counted)!;
    expect(sealedByB).not.toBe(sealedByA);

    const retired = await startApp(KEY_B);
    const peek = await request(retired.getHttpServer()).get('/peek').set('Cookie', sealedByB);
    expect(peek.body).toMatchObject({ userId: 'rotating-user', counter: 1, isNew: false });
    await request(retired.getHttpServer()).get('/me').set('Cookie', sealedByA).expect(401);
  });

  it('clears the cookie on sign-out, but a copy of it stays valid (no server-side revocation)', async () => {
    const app = await startApp(KEY_A);
    const copied = await signIn(app, 'copied-user');
    const logout = await request(app.getHttpServer())
      .post('/logout')
      .set('Cookie', copied)
      .expect(204);
    expect(setCookies(logout)).toEqual([expect.stringMatching(/^sid=;.*Expires=Thu, 01 Jan 1970/)]);

    const me = await request(app.getHttpServer()).get('/me').set('Cookie', copied).expect(200);
    expect(me.body).toMatchObject({ userId: 'copied-user' }); // the documented limitation
  });

  it('answers listForUser, revoke and revokeAllForUser with the not-supported error (500)', async () => {
    const app = await startApp(KEY_A);
    const cookie = await signIn(app, 'listing-user');
    await request(app.getHttpServer()).get('/sessions').set('Cookie', cookie).expect(500);
    await request(app.getHttpServer())
      .post('/sessions/revoke-others')
      .set('Cookie', cookie)
      .expect(500);

    const sessions = app.get(SessionService);
    const listing = sessions.listForUser('listing-user');
    await expect(listing).rejects.toBeInstanceOf(SessionStoreCapabilityError);
    await expect(listing).rejects.toThrow(/findByUser\(\) is not supported by this store/);
    await expect(sessions.revokeAllForUser('listing-user')).rejects.toThrow(
      /deleteByUser\(\) is not supported by this store/,
    );
    await expect(sessions.revoke('any-id')).rejects.toThrow(
      /revoke\(\) is not supported by this store/,
    );
  });

  it('fails a request whose session would not fit in a cookie, keeping the last one', async () => {
    const app = await startApp(KEY_A);
    const cookie = await signIn(app, 'big-user');
    const tooBig = await request(app.getHttpServer())
      .post('/stash')
      .set('Cookie', cookie)
      .send({ value: 'x'.repeat(CookieSessionStore.MAX_VALUE_BYTES) })
      .expect(500);
    expect(setCookies(tooBig)).toEqual([]);

    const fits = await request(app.getHttpServer())
      .post('/stash')
      .set('Cookie', cookie)
      .send({ value: 'x'.repeat(1_000) })
      .expect(200);
    expect(cookieFrom(fits)).toBeDefined();
    await request(app.getHttpServer()).get('/me').set('Cookie', cookie).expect(200);
  });
});

function createAppOn(adapter: AdapterName, store: CookieSessionStore): Promise<INestApplication> {
  return createHttpApp(adapter, {
    imports: [SessionModule.forRoot({ secret: MODULE_SECRET, store, cleanup: false })],
    controllers: [AccountController, StashController],
  });
}
