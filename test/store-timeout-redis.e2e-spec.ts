import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { Redis } from 'ioredis';
import request from 'supertest';
import { RedisSessionStore, SessionModule } from '../lib/index.js';
import { SESSION_MESSAGES } from '../lib/session.messages.js';
import { AccountController } from './fixtures/account.controller.js';
import { ADAPTERS, cookieFrom, createHttpApp } from './support/http-app.js';
import { deleteKeysWithPrefix, testRedisUrl, uniquePrefix } from './support/redis.js';
import { startFreezableRelay } from './support/tcp-relay.js';
import type { FreezableRelay } from './support/tcp-relay.js';
import { timed } from './support/timed.js';

const redisUrl = await testRedisUrl('storeTimeout on Redis');

/** "Does not hang": ten times `storeTimeout` (more for shutdown); it measures nothing finer. */
const ANSWERED_WITHIN_MS = 3_000;
const CLOSED_WITHIN_MS = 5_000;

if (redisUrl) {
  /**
   * A Redis that silently drops packets, behind a relay, with the read cache on (so the
   * subscriber connection has to stop at shutdown too). The client has no command timeout:
   * only `storeTimeout` bounds the waits.
   */
  describe.each(ADAPTERS)('storeTimeout on a black-holed Redis, read cache on (%s)', (adapter) => {
    const prefix = uniquePrefix();
    let relay: FreezableRelay;
    let client: Redis;
    let app: INestApplication;
    let closed: boolean;

    const http = () => request(app.getHttpServer());

    beforeEach(async () => {
      relay = await startFreezableRelay(redisUrl);
      client = new Redis(relay.url, { maxRetriesPerRequest: 1 });
      app = await createHttpApp(adapter, {
        imports: [
          SessionModule.forRoot({
            secret: 'r'.repeat(32),
            store: new RedisSessionStore(client, { prefix }),
            cache: { ttl: '1h' },
            storeTimeout: '300ms',
          }),
        ],
        controllers: [AccountController],
      });
      closed = false;
    });

    afterEach(async () => {
      relay.thaw();
      if (!closed) await app.close();
      await deleteKeysWithPrefix(client, prefix);
      client.disconnect();
      await relay.close();
    });

    it('answers 503 within the bound, 200 without the session, and serves the cookie after the thaw', async () => {
      const cookie = cookieFrom(await http().post('/login').send({ userId: 'r1' }).expect(200))!;
      relay.freeze();
      const frozen = await timed(http().post('/counter').set('Cookie', cookie));
      expect(frozen.result.status).toBe(503);
      expect(frozen.result.headers['retry-after']).toBe('5');
      expect(frozen.result.body).toMatchObject({ message: SESSION_MESSAGES.storeUnavailable() });
      expect(frozen.ms).toBeLessThan(ANSWERED_WITHIN_MS);
      await http().get('/health').expect(200);
      relay.thaw();
      const me = await http().get('/me').set('Cookie', cookie).expect(200);
      expect(me.body).toMatchObject({ userId: 'r1', theme: 'dark' });
    });

    it('lets app.close() finish while the subscriber connection hears nothing', async () => {
      const cookie = cookieFrom(await http().post('/login').send({ userId: 'r2' }).expect(200))!;
      await http().get('/me').set('Cookie', cookie).expect(200);
      relay.freeze();
      const closing = await timed(app.close());
      closed = true;
      expect(closing.ms).toBeLessThan(CLOSED_WITHIN_MS);
    });
  });
}
