import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import request from 'supertest';
import { SessionModule } from '../lib/index.js';
import { AccountController } from './fixtures/account.controller.js';
import { signedValue } from './support/cookie-header.arbitraries.js';
import { createTestSchema } from './support/database.js';
import type { TestSchema } from './support/database.js';
import { ADAPTERS, cookieFrom, createHttpApp } from './support/http-app.js';

const A = 'a'.repeat(16) + '-old-secret-0123456789';
const B = 'b'.repeat(16) + '-new-secret-0123456789';

/** The cookie's token and whether its signature is `secret`'s, checked independently. */
function signedWith(cookie: string, secret: string): boolean {
  const value = cookie.slice('sid='.length);
  return value === signedValue(secret, value.slice(0, 43));
}

describe.each(ADAPTERS)('secret rotation on PostgreSQL (%s)', (adapter) => {
  let schema: TestSchema;
  /** Three deployments of one app on one database: before, during and after the rotation. */
  let before: INestApplication;
  let rotating: INestApplication;
  let after: INestApplication;

  const appWith = (secret: string | string[]) =>
    createHttpApp(adapter, {
      imports: [
        TypeOrmModule.forRoot(schema.typeOrmOptions),
        SessionModule.forRoot({ secret, cleanup: false }),
      ],
      controllers: [AccountController],
    });
  const login = async (app: INestApplication, userId: string) =>
    cookieFrom(await request(app.getHttpServer()).post('/login').send({ userId }).expect(200))!;
  const me = (app: INestApplication, cookie: string) =>
    request(app.getHttpServer()).get('/me').set('Cookie', cookie);

  beforeAll(async () => {
    schema = await createTestSchema();
    before = await appWith(A);
    rotating = await appWith([B, A]);
    after = await appWith([B]);
  });

  afterAll(async () => {
    await Promise.all([before.close(), rotating.close(), after.close()]);
    await schema.drop();
  });

  it('accepts a cookie signed under A once configured [B, A]', async () => {
    const cookie = await login(before, 'alice');
    expect(signedWith(cookie, A)).toBe(true);
    const res = await me(rotating, cookie).expect(200);
    expect(res.body).toMatchObject({ userId: 'alice' });
  });

  it('signs new cookies with B under [B, A], and [B] accepts them', async () => {
    const cookie = await login(rotating, 'bob');
    expect(signedWith(cookie, B)).toBe(true);
    expect(signedWith(cookie, A)).toBe(false);
    await me(after, cookie).expect(200);
  });

  it('re-signs an A cookie with B when [B, A] writes its session', async () => {
    const old = await login(before, 'carol');
    const res = await request(rotating.getHttpServer())
      .post('/counter')
      .set('Cookie', old)
      .expect(200);
    const renewed = cookieFrom(res)!;
    expect(renewed.slice(0, 47)).toBe(old.slice(0, 47)); // same token, so the same session
    expect(signedWith(renewed, B)).toBe(true);
    await me(after, renewed).expect(200);
  });

  it('refuses a cookie signed under A once configured [B] alone, without deleting its session', async () => {
    const cookie = await login(before, 'dave');
    await me(after, cookie).expect(401);
    await me(rotating, cookie).expect(200); // only refused, not destroyed
  });
});
