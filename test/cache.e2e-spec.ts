import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { MemorySessionStore, SessionModule } from '../lib/index.js';
import type { SessionRecord } from '../lib/index.js';
import { AccountController } from './fixtures/account.controller.js';
import { ADAPTERS, cookieFrom, createHttpApp } from './support/http-app.js';

/** A memory store that counts reads, to see which requests the cache answered. */
class CountingStore extends MemorySessionStore {
  reads = 0;
  override find(id: string, now: Date): Promise<SessionRecord | null> {
    this.reads++;
    return super.find(id, now);
  }
}

const secret = 'k'.repeat(32);

/** Polls `check` until it is true; the deadline only bounds a broken test, it measures nothing. */
async function eventually(check: () => Promise<boolean>, deadlineMs = 5_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met before the deadline');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.each(ADAPTERS)('read cache across two instances (%s)', (adapter) => {
  let store: CountingStore;
  let a: INestApplication;
  let b: INestApplication;

  beforeEach(async () => {
    store = new CountingStore();
    const app = () =>
      createHttpApp(adapter, {
        imports: [SessionModule.forRoot({ secret, store, cache: { ttl: '1h' }, cleanup: false })],
        controllers: [AccountController],
      });
    [a, b] = await Promise.all([app(), app()]);
  });

  afterEach(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  const signIn = async (app: INestApplication, userId = 'u1') =>
    cookieFrom(await request(app.getHttpServer()).post('/login').send({ userId }).expect(200))!;
  const me = (app: INestApplication, cookie: string) =>
    request(app.getHttpServer()).get('/me').set('Cookie', cookie);

  it('serves repeated unmodified reads without a store read', async () => {
    const cookie = await signIn(a);
    await me(b, cookie).expect(200);
    const before = store.reads;
    for (let i = 0; i < 5; i++) await me(b, cookie).expect(200);
    expect(store.reads).toBe(before);
  });

  it('drops a signed-out session on the other instance, despite a one-hour ttl', async () => {
    const cookie = await signIn(a);
    await me(b, cookie).expect(200); // now cached on B
    await request(a.getHttpServer()).post('/logout').set('Cookie', cookie).expect(204);
    await eventually(async () => (await me(b, cookie)).status === 401);
  });

  it('drops every revoked session of a user on the other instance', async () => {
    const keep = await signIn(a);
    const other = await signIn(a);
    await me(b, other).expect(200);
    const res = await request(a.getHttpServer())
      .post('/sessions/revoke-others')
      .set('Cookie', keep)
      .expect(200);
    expect(res.body).toEqual({ revoked: 1 });
    await eventually(async () => (await me(b, other)).status === 401);
    await me(b, keep).expect(200);
  });

  it('refuses the pre-sign-in cookie on the other instance after regenerate', async () => {
    const first = await signIn(a);
    await me(b, first).expect(200);
    const second = cookieFrom(
      await request(a.getHttpServer()).post('/login').set('Cookie', first).send({ userId: 'u1' }),
    )!;
    expect(second).not.toBe(first);
    await eventually(async () => (await me(b, first)).status === 401);
    await me(b, second).expect(200);
  });
});
