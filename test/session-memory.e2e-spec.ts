import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { jest } from '@jest/globals';
import request from 'supertest';
import { MemorySessionStore, SessionModule } from '../lib/index.js';
import { AccountController } from './fixtures/account.controller.js';
import { ADAPTERS, cookieFrom, createHttpApp, setCookies } from './support/http-app.js';

const secret = 's'.repeat(32);

describe.each(ADAPTERS)('sessions on the memory store (%s)', (adapter) => {
  let app: INestApplication;
  let store: MemorySessionStore;

  beforeEach(async () => {
    store = new MemorySessionStore();
    app = await createHttpApp(adapter, {
      imports: [SessionModule.forRoot({ secret, store, cleanup: false })],
      controllers: [AccountController],
    });
  });
  afterEach(() => app.close());

  it('sets no cookie and stores nothing for an anonymous request that sets nothing', async () => {
    const res = await request(app.getHttpServer()).get('/peek').expect(200);
    expect(res.body).toEqual({ isNew: true, userId: null, theme: null, counter: 0 });
    expect(setCookies(res)).toEqual([]);
    expect(store.size).toBe(0);
  });

  it('signs in, serves the session, signs out', async () => {
    const login = await request(app.getHttpServer())
      .post('/login')
      .send({ userId: 'u1' })
      .expect(200);
    const cookie = cookieFrom(login);
    expect(cookie).toBeDefined();
    const me = await request(app.getHttpServer()).get('/me').set('Cookie', cookie!).expect(200);
    expect(me.body).toMatchObject({ userId: 'u1', theme: 'dark', id: login.body.id });
    await request(app.getHttpServer()).post('/logout').set('Cookie', cookie!).expect(204);
    await request(app.getHttpServer()).get('/me').set('Cookie', cookie!).expect(401);
    expect(store.size).toBe(0);
  });

  it('keeps a flash set before an HttpException', async () => {
    const first = await request(app.getHttpServer()).post('/flash-then-fail').expect(404);
    const cookie = cookieFrom(first)!;
    const second = await request(app.getHttpServer())
      .get('/flash')
      .set('Cookie', cookie)
      .expect(200);
    expect(second.body).toEqual({ notice: 'saved before the error' });
    const third = await request(app.getHttpServer())
      .get('/flash')
      .set('Cookie', cookie)
      .expect(200);
    expect(third.body).toEqual({ notice: null });
  });

  it('keeps signed-in users when anonymous traffic fills the store', async () => {
    await app.close();
    store = new MemorySessionStore({ maxEntries: 20 });
    app = await createHttpApp(adapter, {
      imports: [SessionModule.forRoot({ secret, store, cleanup: false })],
      controllers: [AccountController],
    });
    const http = () => request(app.getHttpServer());
    const users = [];
    for (let i = 0; i < 5; i++) {
      users.push(
        cookieFrom(
          await http()
            .post('/login')
            .send({ userId: `u${i}` })
            .expect(200),
        )!,
      );
    }
    for (let i = 0; i < 60; i++) await http().post('/counter').expect(200); // anonymous, stored
    expect(store.size).toBe(20);
    for (const [i, cookie] of users.entries()) {
      const me = await http().get('/me').set('Cookie', cookie).expect(200);
      expect(me.body.userId).toBe(`u${i}`);
    }
  });

  it('drops signed-in sessions only past the bound, with one warning', async () => {
    await app.close();
    store = new MemorySessionStore({ maxEntries: 3 });
    app = await createHttpApp(adapter, {
      imports: [SessionModule.forRoot({ secret, store, cleanup: false })],
      controllers: [AccountController],
    });
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const http = () => request(app.getHttpServer());
      const cookies = [];
      for (let i = 0; i < 5; i++) {
        cookies.push(
          cookieFrom(
            await http()
              .post('/login')
              .send({ userId: `u${i}` }),
          )!,
        );
      }
      await http().get('/me').set('Cookie', cookies[0]).expect(401); // least recently used
      await http().get('/me').set('Cookie', cookies[1]).expect(401);
      await http().get('/me').set('Cookie', cookies[4]).expect(200);
      const full = warn.mock.calls.filter(([m]) => String(m).includes('signed-in sessions'));
      expect(full).toHaveLength(1);
    } finally {
      warn.mockRestore();
    }
  });
});
