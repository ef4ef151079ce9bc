import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import request from 'supertest';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { SessionModule } from '../lib/index.js';
import { SESSION_MESSAGES } from '../lib/session.messages.js';
import { AccountController } from './fixtures/account.controller.js';
import { createTestSchema } from './support/database.js';
import type { TestSchema } from './support/database.js';
import { ADAPTERS, cookieFrom, createHttpApp, setCookies } from './support/http-app.js';
import { startFreezableRelay } from './support/tcp-relay.js';
import type { FreezableRelay } from './support/tcp-relay.js';
import { timed } from './support/timed.js';

const secret = 't'.repeat(32);

/**
 * The app gives `pg` no timeout at all (no `connectTimeoutMS`, no `query_timeout`): only
 * `storeTimeout` stands between a request and a database that silently drops packets.
 */
const storeTimeout = '300ms';
/** "Does not hang": ten times `storeTimeout`; it measures nothing finer. */
const ANSWERED_WITHIN_MS = 3_000;
const CLOSED_WITHIN_MS = 5_000;

function expectStoreUnavailable(res: Response): void {
  expect(res.status).toBe(503);
  expect(res.headers['retry-after']).toBe('5');
  expect(res.body).toMatchObject({ statusCode: 503, message: SESSION_MESSAGES.storeUnavailable() });
  expect(setCookies(res)).toEqual([]);
}

describe.each(ADAPTERS)('storeTimeout on a black-holed PostgreSQL (%s)', (adapter) => {
  let relay: FreezableRelay;
  let schema: TestSchema;
  let app: INestApplication;

  const http = () => request(app.getHttpServer());
  const login = async (userId: string) =>
    cookieFrom(await http().post('/login').send({ userId }).expect(200))!;

  beforeAll(async () => {
    relay = await startFreezableRelay(process.env.DATABASE_URL!);
    schema = await createTestSchema({ url: relay.url });
    app = await createHttpApp(adapter, {
      imports: [
        TypeOrmModule.forRoot(schema.typeOrmOptions),
        SessionModule.forRoot({ secret, cleanup: false, storeTimeout }),
      ],
      controllers: [AccountController],
    });
  });

  afterEach(() => relay.thaw());

  afterAll(async () => {
    relay.thaw();
    await app.close();
    await schema.drop();
    await relay.close();
  });

  it('answers 503 with Retry-After within the bound on a session route', async () => {
    const cookie = await login('frozen-read');
    relay.freeze();
    const read = await timed(http().get('/me').set('Cookie', cookie));
    expectStoreUnavailable(read.result);
    expect(read.ms).toBeLessThan(ANSWERED_WITHIN_MS);
    const write = await timed(http().post('/counter').set('Cookie', cookie));
    expectStoreUnavailable(write.result);
    expect(write.ms).toBeLessThan(ANSWERED_WITHIN_MS);
  });

  it('answers 503 within the bound for a new session that cannot be stored', async () => {
    relay.freeze();
    const created = await timed(http().post('/counter'));
    expectStoreUnavailable(created.result);
    expect(created.ms).toBeLessThan(ANSWERED_WITHIN_MS);
  });

  it('keeps answering 200 on a route that does not use the session', async () => {
    const cookie = await login('frozen-health');
    relay.freeze();
    await http().get('/me').set('Cookie', cookie).expect(503);
    await http().get('/health').set('Cookie', cookie).expect(200);
  });

  it('serves the same cookie again after the thaw, and the database answers fresh queries', async () => {
    const cookie = await login('thawed');
    relay.freeze();
    expectStoreUnavailable(await http().get('/me').set('Cookie', cookie));
    relay.thaw();
    const me = await http().get('/me').set('Cookie', cookie).expect(200);
    expect(me.body).toMatchObject({ userId: 'thawed', theme: 'dark' });
    await expect(app.get(DataSource).query('SELECT 1 AS one')).resolves.toEqual([{ one: 1 }]);
  });
});

describe.each(ADAPTERS)('storeTimeout at shutdown, read cache on (%s)', (adapter) => {
  it('lets app.close() finish on a black-holed PostgreSQL, ending the pool', async () => {
    const relay = await startFreezableRelay(process.env.DATABASE_URL!);
    const schema = await createTestSchema({ url: relay.url });
    try {
      const app = await createHttpApp(adapter, {
        imports: [
          TypeOrmModule.forRoot(schema.typeOrmOptions),
          SessionModule.forRoot({ secret, cleanup: false, storeTimeout, cache: { ttl: '1h' } }),
        ],
        controllers: [AccountController],
      });
      const cookie = cookieFrom(
        await request(app.getHttpServer()).post('/login').send({ userId: 'closing' }).expect(200),
      )!;
      await request(app.getHttpServer()).get('/me').set('Cookie', cookie).expect(200);
      relay.freeze(); // the LISTEN connection's UNLISTEN will hear nothing
      const closed = await timed(app.close());
      expect(closed.ms).toBeLessThan(CLOSED_WITHIN_MS);
      expect(app.get(DataSource).isInitialized).toBe(false);
    } finally {
      relay.thaw();
      await relay.close();
      await schema.drop();
    }
  });
});
