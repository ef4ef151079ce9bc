import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { SessionModule } from '../../lib/index.js';
import type { SessionStore } from '../../lib/index.js';
import { AccountController } from '../fixtures/account.controller.js';
import { ADAPTERS, cookieFrom, createHttpApp } from './http-app.js';

/** Two instances' stores on one shared backend, and how to release them. */
export interface SharedBackend {
  /** A store for one more app instance (its own connection to the shared backend). */
  storeForInstance(): Promise<SessionStore>;
  /**
   * `false` where the invalidation channel cannot be proved (the embedded Postgres: one
   * database session behind every connection), so the cache must stay bypassed.
   */
  channelWorks: boolean;
  teardown(): Promise<void>;
}

/** Wraps a store so the test can count the reads that reached it (the cache sits above it). */
export function countingReads(store: SessionStore): { store: SessionStore; reads(): number } {
  let reads = 0;
  const counted = new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (property !== 'find' || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        reads++;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: counted, reads: () => reads };
}

/** Polls `check` until true; the deadline only bounds a broken test, it measures nothing. */
export async function eventually(check: () => Promise<boolean>, deadlineMs = 5_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met before the deadline');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * The read cache over two app instances A and B on one backend, with a one-hour ttl: B
 * answers repeated reads from memory, yet refuses at once every session A ends — which only
 * the invalidation channel can tell it.
 */
export function describeCacheAcrossInstances(
  name: string,
  setup: () => Promise<SharedBackend>,
): void {
  describe.each(ADAPTERS)(`read cache across two instances on ${name} (%s)`, (adapter) => {
    let backend: SharedBackend;
    let a: INestApplication;
    let b: INestApplication;
    let readsOnB: () => number;

    const instance = (store: SessionStore) =>
      createHttpApp(adapter, {
        imports: [
          SessionModule.forRoot({
            secret: 'k'.repeat(32),
            store,
            cache: { ttl: '1h' },
            cleanup: false,
          }),
        ],
        controllers: [AccountController],
      });

    beforeEach(async () => {
      backend = await setup();
      const counted = countingReads(await backend.storeForInstance());
      readsOnB = () => counted.reads();
      [a, b] = await Promise.all([
        instance(await backend.storeForInstance()),
        instance(counted.store),
      ]);
    });

    afterEach(async () => {
      await Promise.all([a.close(), b.close()]);
      await backend.teardown();
    });

    const signIn = async (app: INestApplication, cookie?: string) => {
      const req = request(app.getHttpServer()).post('/login').send({ userId: 'u1' });
      return cookieFrom(await (cookie ? req.set('Cookie', cookie) : req).expect(200))!;
    };
    const me = (app: INestApplication, cookie: string) =>
      request(app.getHttpServer()).get('/me').set('Cookie', cookie);

    it('serves repeated unmodified reads without a store read (only with a proven channel)', async () => {
      const cookie = await signIn(a);
      await me(b, cookie).expect(200);
      const before = readsOnB();
      for (let i = 0; i < 5; i++) await me(b, cookie).expect(200);
      expect(readsOnB()).toBe(backend.channelWorks ? before : before + 5);
    });

    it('drops a signed-out session on the other instance', async () => {
      const cookie = await signIn(a);
      await me(b, cookie).expect(200);
      await request(a.getHttpServer()).post('/logout').set('Cookie', cookie).expect(204);
      await eventually(async () => (await me(b, cookie)).status === 401);
    });

    it('drops every revoked session of a user on the other instance', async () => {
      const keep = await signIn(a);
      const other = await signIn(a);
      await me(b, other).expect(200);
      await me(b, keep).expect(200);
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
      const second = await signIn(a, first);
      expect(second).not.toBe(first);
      await eventually(async () => (await me(b, first)).status === 401);
      await me(b, second).expect(200);
    });
  });
}
