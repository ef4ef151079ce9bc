import 'reflect-metadata';
import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { jest } from '@jest/globals';
import request from 'supertest';
import { SessionModule } from '../../lib/index.js';
import type { SessionStore } from '../../lib/index.js';
import { AccountController } from '../fixtures/account.controller.js';
import { fakeOnly } from './fake-time.js';
import { ADAPTERS, cookieFrom, createHttpApp } from './http-app.js';

/** A store on its real backend for one app, and how to release it. */
export interface StoreUnderTest {
  store: SessionStore;
  /** Modules the store needs in the app (e.g. TypeOrmModule), if any. */
  imports?: ModuleMetadata['imports'];
  teardown(): Promise<void>;
}

const IDLE_MINUTES = 30;

/**
 * The user's flow over real HTTP on both adapters, for one store: sign in, data, sign
 * out, idle expiry. Time moves by faking only `Date`, so the backend's I/O is real.
 */
export function describeStoreOverHttp(name: string, setup: () => Promise<StoreUnderTest>): void {
  describe.each(ADAPTERS)(`${name} over HTTP (%s)`, (adapter) => {
    let app: INestApplication;
    let underTest: StoreUnderTest;
    const http = () => request(app.getHttpServer());

    beforeEach(async () => {
      underTest = await setup();
      app = await createHttpApp(adapter, {
        imports: [
          ...(underTest.imports ?? []),
          SessionModule.forRoot({
            secret: 'h'.repeat(32),
            store: underTest.store,
            idleTimeout: `${IDLE_MINUTES}m`,
            cleanup: false,
          }),
        ],
        controllers: [AccountController],
      });
    });

    afterEach(async () => {
      jest.useRealTimers();
      await app.close();
      await underTest.teardown();
    });

    it('signs in, keeps data across requests, signs out', async () => {
      const login = await http().post('/login').send({ userId: 'flow-user' }).expect(200);
      let cookie = cookieFrom(login)!;
      const counted = await http().post('/counter').set('Cookie', cookie).expect(200);
      cookie = cookieFrom(counted) ?? cookie; // a stateless store re-issues its cookie
      const me = await http().get('/peek').set('Cookie', cookie).expect(200);
      expect(me.body).toMatchObject({
        userId: 'flow-user',
        theme: 'dark',
        counter: 1,
        isNew: false,
      });
      await http().post('/logout').set('Cookie', cookie).expect(204);
      const after = await http().get('/peek').expect(200);
      expect(after.body).toMatchObject({ userId: null, isNew: true });
    });

    it('refuses a session idle for longer than idleTimeout', async () => {
      const login = await http().post('/login').send({ userId: 'idle-user' }).expect(200);
      const cookie = cookieFrom(login)!;
      await http().get('/me').set('Cookie', cookie).expect(200);
      fakeOnly(['Date'], { now: Date.now() + (IDLE_MINUTES + 1) * 60_000 });
      await http().get('/me').set('Cookie', cookie).expect(401);
    });
  });
}
