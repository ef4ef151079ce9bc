import 'reflect-metadata';
import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Redis } from 'ioredis';
import request from 'supertest';
import type { Response } from 'supertest';
import { CookieSessionStore, RedisSessionStore, SessionModule } from '../../lib/index.js';
import type { SessionStore } from '../../lib/index.js';
import { SESSION_MESSAGES } from '../../lib/session.messages.js';
import { createTestSchema } from '../support/database.js';
import type { TestSchema } from '../support/database.js';
import { ADAPTERS, createHttpApp } from '../support/http-app.js';
import type { AdapterName } from '../support/http-app.js';
import {
  deleteKeysWithPrefix,
  testRedisUrl,
  uniquePrefix,
  unreachableRedis,
} from '../support/redis.js';
import { startSqlProxy } from '../support/sql-counter.js';
import type { SqlProxy } from '../support/sql-counter.js';
import { startFreezableRelay } from '../support/tcp-relay.js';
import type { FreezableRelay } from '../support/tcp-relay.js';
import { HealthController } from './health.controller.js';

const secret = 'k'.repeat(32);
const STORE_TIMEOUT_MS = 500;
/** What the indicator says of a store that did not answer within `storeTimeout`. */
const TIMED_OUT = SESSION_MESSAGES.storeTimedOut('health check', STORE_TIMEOUT_MS);

const redisUrl = await testRedisUrl('SessionStoreHealthIndicator on Redis');

/** An app with TerminusModule, the session store and the health endpoint. */
function createHealthApp(
  adapter: AdapterName,
  imports: NonNullable<ModuleMetadata['imports']>,
  store?: SessionStore,
): Promise<INestApplication> {
  return createHttpApp(adapter, {
    imports: [
      ...imports,
      TerminusModule.forRoot({ logger: false }),
      SessionModule.forRoot({
        secret,
        cleanup: false,
        storeTimeout: `${STORE_TIMEOUT_MS}ms`,
        ...(store ? { store } : {}),
      }),
    ],
    controllers: [HealthController],
  });
}

/** GET `path`; the answer, checked to be terminus's "up" (200) for `key`. */
async function expectUp(app: INestApplication, path = '/health', key = 'sessionStore') {
  const res = await request(app.getHttpServer()).get(path);
  expect(res.status).toBe(200);
  expect(res.body).toEqual({
    status: 'ok',
    info: { [key]: { status: 'up' } },
    error: {},
    details: { [key]: { status: 'up' } },
  });
}

/** GET `path`; checked to be terminus's 503 with `key` down; the indicator's message. */
async function expectDown(
  app: INestApplication,
  path = '/health',
  key = 'sessionStore',
): Promise<string> {
  const res: Response = await request(app.getHttpServer()).get(path);
  expect(res.status).toBe(503);
  const body = res.body as {
    status: string;
    info: object;
    error: Record<string, { status: string; message: unknown }>;
    details: object;
  };
  expect(body.status).toBe('error');
  expect(body.info).toEqual({});
  expect(body.error).toEqual({ [key]: { status: 'down', message: expect.any(String) } });
  expect(body.details).toEqual(body.error);
  const message = body.error[key].message as string;
  expect(message.length).toBeGreaterThan(0);
  return message;
}

describe.each(ADAPTERS)('SessionStoreHealthIndicator on PostgreSQL (%s)', (adapter) => {
  let proxy: SqlProxy;
  let relay: FreezableRelay;
  let schema: TestSchema;
  let app: INestApplication;

  beforeAll(async () => {
    proxy = await startSqlProxy(process.env.DATABASE_URL!);
    relay = await startFreezableRelay(proxy.url);
    schema = await createTestSchema({ url: relay.url });
    app = await createHealthApp(adapter, [TypeOrmModule.forRoot(schema.typeOrmOptions)]);
  });

  afterAll(async () => {
    relay.thaw();
    proxy.restore();
    await app.close();
    await schema.drop();
    await relay.close();
    await proxy.close();
  });

  afterEach(() => {
    relay.thaw();
    proxy.restore();
  });

  it('is up (200) while the database answers, under its key or a custom one', async () => {
    await expectUp(app);
    await expectUp(app, '/health/custom', 'db-sessions');
  });

  it('is down (503, with the reason) while the database refuses connections, up again after', async () => {
    await expectUp(app);
    proxy.cut();
    const message = await expectDown(app);
    expect(message).not.toBe(TIMED_OUT); // the connection's own error, not a timeout
    await expectDown(app, '/health/custom', 'db-sessions');
    proxy.restore();
    await expectUp(app);
    await expectUp(app, '/health/custom', 'db-sessions');
  });

  it('answers down within storeTimeout while the network drops every packet, up after the thaw', async () => {
    await expectUp(app);
    relay.freeze(); // nothing reaches the database or comes back until the thaw
    expect(await expectDown(app)).toBe(TIMED_OUT);
    expect(await expectDown(app, '/health/custom', 'db-sessions')).toBe(TIMED_OUT);
    relay.thaw();
    await expectUp(app);
  });
});

if (redisUrl) {
  describe.each(ADAPTERS)('SessionStoreHealthIndicator on Redis (%s)', (adapter) => {
    const prefix = uniquePrefix();
    let relay: FreezableRelay;
    let client: Redis;
    let app: INestApplication;

    beforeAll(async () => {
      relay = await startFreezableRelay(redisUrl);
      client = new Redis(relay.url, { maxRetriesPerRequest: 1 });
      app = await createHealthApp(adapter, [], new RedisSessionStore(client, { prefix }));
    });

    afterAll(async () => {
      relay.thaw();
      await app.close();
      await deleteKeysWithPrefix(client, prefix);
      client.disconnect();
      await relay.close();
    });

    afterEach(() => relay.thaw());

    it('is up (200) while Redis answers, under its key or a custom one', async () => {
      await expectUp(app);
      await expectUp(app, '/health/custom', 'db-sessions');
    });

    it('answers down within storeTimeout while the network drops every packet, up after the thaw', async () => {
      await expectUp(app);
      relay.freeze();
      expect(await expectDown(app)).toBe(TIMED_OUT);
      expect(await expectDown(app, '/health/custom', 'db-sessions')).toBe(TIMED_OUT);
      relay.thaw();
      await expectUp(app);
      await expectUp(app, '/health/custom', 'db-sessions');
    });

    it('is down with the connection error when nothing listens at its address', async () => {
      const down = await unreachableRedis();
      const downApp = await createHealthApp(adapter, [], new RedisSessionStore(down));
      try {
        const message = await expectDown(downApp);
        expect(message).not.toBe(TIMED_OUT);
        await expectDown(downApp, '/health/custom', 'db-sessions');
      } finally {
        await downApp.close();
        down.disconnect();
      }
    });
  });
}

describe.each(ADAPTERS)('SessionStoreHealthIndicator on the cookie store (%s)', (adapter) => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createHealthApp(adapter, [], new CookieSessionStore({ secret }));
  });

  afterAll(() => app.close());

  it('is always up: there is no server to reach', async () => {
    await expectUp(app);
    await expectUp(app, '/health/custom', 'db-sessions');
  });
});
