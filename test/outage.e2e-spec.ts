import 'reflect-metadata';
import { runInThisContext } from 'node:vm';
import { jest } from '@jest/globals';
import { fakeOnly } from './support/fake-time.js';
import { Logger } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import request from 'supertest';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { SessionCleanupService, SessionModule } from '../lib/index.js';
import { SESSION_MESSAGES } from '../lib/session.messages.js';
import { AccountController } from './fixtures/account.controller.js';
import { ConcurrencyController, RequestGate } from './fixtures/concurrency.controller.js';
import { createTestSchema } from './support/database.js';
import type { TestSchema } from './support/database.js';
import { ADAPTERS, cookieFrom, createHttpApp, setCookies } from './support/http-app.js';
import { startSqlProxy } from './support/sql-counter.js';
import type { SqlProxy } from './support/sql-counter.js';
import { startFreezableRelay } from './support/tcp-relay.js';
import type { FreezableRelay } from './support/tcp-relay.js';

const secret = 'o'.repeat(32);

/**
 * Jest hands tests a copy of `process`; unhandled rejections are emitted on the real one.
 * What the outage suite listens to, so that a rejection nobody handled fails the test.
 */
const hostProcess = runInThisContext('process') as NodeJS.Process;

/**
 * The app gives `pg` no timeout of its own (no `connectTimeoutMS`, no `query_timeout`):
 * `storeTimeout` alone keeps a dead network from hanging a request.
 */
const storeTimeout = '1s';

describe.each(ADAPTERS)('PostgreSQL outage (%s)', (adapter) => {
  let proxy: SqlProxy;
  let relay: FreezableRelay;
  let schema: TestSchema;
  let app: INestApplication;
  let gate: RequestGate;
  let db: DataSource;
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);

  const http = () => request(app.getHttpServer());
  const login = async (userId = 'u1') =>
    cookieFrom(await http().post('/login').send({ userId }).expect(200))!;

  function expectStoreUnavailable(res: Response): void {
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({
      statusCode: 503,
      message: SESSION_MESSAGES.storeUnavailable(),
    });
    expect(setCookies(res)).toEqual([]); // the cookie is neither replaced nor cleared
  }

  beforeAll(async () => {
    proxy = await startSqlProxy(process.env.DATABASE_URL!);
    relay = await startFreezableRelay(proxy.url);
    schema = await createTestSchema({ url: relay.url });
    app = await createHttpApp(adapter, {
      imports: [
        TypeOrmModule.forRoot(schema.typeOrmOptions),
        SessionModule.forRoot({ secret, cleanup: false, storeTimeout }),
      ],
      controllers: [AccountController, ConcurrencyController],
      providers: [RequestGate],
    });
    gate = app.get(RequestGate);
    db = app.get(DataSource);
    hostProcess.on('unhandledRejection', onRejection);
  });

  afterAll(async () => {
    hostProcess.off('unhandledRejection', onRejection);
    await app.close();
    await schema.drop();
    await relay.close();
    await proxy.close();
  });

  beforeEach(() => gate.reset());

  afterEach(() => {
    proxy.restore();
    relay.thaw();
    expect(rejections).toEqual([]);
  });

  it('answers 503 with Retry-After and a JSON body on every route that needs the session', async () => {
    const cookie = await login();
    proxy.cut();
    expectStoreUnavailable(await http().get('/me').set('Cookie', cookie));
    expectStoreUnavailable(await http().get('/peek').set('Cookie', cookie));
    expectStoreUnavailable(await http().post('/counter').set('Cookie', cookie));
    expectStoreUnavailable(await http().post('/logout').set('Cookie', cookie));
    expectStoreUnavailable(await http().get('/sessions').set('Cookie', cookie));
    expectStoreUnavailable(await http().post('/counter')); // a new session cannot be stored either
  });

  it('keeps answering 200 on routes that do not use the session', async () => {
    const cookie = await login();
    proxy.cut();
    for (let i = 0; i < 5; i++) {
      const res = await http().get('/health').set('Cookie', cookie).expect(200);
      expect(setCookies(res)).toEqual([]);
    }
  });

  it('serves the same cookie again once the store is back, without a restart', async () => {
    const cookie = await login('back-again');
    await http().post('/counter').set('Cookie', cookie).expect(200);
    proxy.cut();
    expectStoreUnavailable(await http().post('/counter').set('Cookie', cookie));
    proxy.restore();
    const me = await http().get('/me').set('Cookie', cookie).expect(200);
    expect(me.body).toMatchObject({ userId: 'back-again', theme: 'dark' });
    const counted = await http().post('/counter').set('Cookie', cookie).expect(200);
    expect(counted.body).toEqual({ counter: 2 }); // the write during the outage never happened
  });

  it('answers 503 when the store fails after the handler ran, and stores nothing half-done', async () => {
    const cookie = await login('mid-request');
    const held = http().post('/held/keys/late').set('Cookie', cookie).send({ value: 1 });
    const pending = held.then((res) => res);
    await gate.arrivals(1);
    proxy.cut();
    gate.open();
    expectStoreUnavailable(await pending);
    proxy.restore();
    const [row] = await db.query(
      `SELECT data FROM "${schema.name}"."sessions" WHERE user_id = $1`,
      ['mid-request'],
    );
    expect(row.data).toEqual({ theme: 'dark' });
    await http().get('/me').set('Cookie', cookie).expect(200);
  });

  it('fails fast instead of hanging when the network silently drops packets', async () => {
    const cookie = await login();
    relay.freeze(); // open connections hear nothing; new ones connect to nothing
    expectStoreUnavailable(await http().get('/me').set('Cookie', cookie));
    expectStoreUnavailable(await http().post('/counter').set('Cookie', cookie));
    await http().get('/health').expect(200);
    relay.thaw();
    await http().get('/me').set('Cookie', cookie).expect(200);
  });
});

describe('PostgreSQL outage: the scheduled sweep', () => {
  const INTERVAL = 60_000;
  let proxy: SqlProxy;
  let schema: TestSchema;
  let app: INestApplication;

  beforeAll(async () => {
    proxy = await startSqlProxy(process.env.DATABASE_URL!);
    schema = await createTestSchema({ url: proxy.url });
    const moduleRef = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot(schema.typeOrmOptions),
        SessionModule.forRoot({
          secret,
          cleanup: { interval: INTERVAL, batchSize: 10 },
          storeTimeout,
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    // the sweep's timer is armed at bootstrap (init), on a fake clock; I/O, ticks, setImmediate
    // and Date stay real
    fakeOnly(['setTimeout', 'clearTimeout']); // what the sweep schedules itself with
    await app.init();
  });

  afterAll(async () => {
    jest.useRealTimers();
    jest.restoreAllMocks();
    await app.close();
    await schema.drop();
    await proxy.close();
  });

  it('logs the failed sweep, keeps its schedule, and sweeps again once the store is back', async () => {
    const table = `"${schema.name}"."sessions"`;
    const db = app.get(DataSource);
    await db.query(
      `INSERT INTO ${table} (id, data, created_at, last_seen_at, expires_at) ` +
        "SELECT 'expired-' || g, '{}', now() - interval '2 days', now() - interval '2 days', " +
        "now() - interval '1 day' FROM generate_series(1, 25) g",
    );
    await db.query(
      `INSERT INTO ${table} (id, data, created_at, last_seen_at, expires_at) ` +
        "VALUES ('live', '{}', now(), now(), now() + interval '1 day')",
    );
    const cleanup = app.get(SessionCleanupService);
    const sweeps = jest.spyOn(cleanup, 'sweep');
    const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    hostProcess.on('unhandledRejection', onRejection);
    try {
      proxy.cut();
      await jest.runOnlyPendingTimersAsync(); // the scheduled sweep fires
      expect(sweeps).toHaveBeenCalledTimes(1);
      await expect(sweeps.mock.results[0].value).rejects.toThrow();
      await new Promise((resolve) => setImmediate(resolve)); // let the scheduler log and re-arm
      expect(errors).toHaveBeenCalledWith(SESSION_MESSAGES.cleanupFailed(), expect.any(String));

      proxy.restore();
      await jest.runOnlyPendingTimersAsync(); // the next one, which the failure did not cancel
      expect(sweeps).toHaveBeenCalledTimes(2);
      await expect(sweeps.mock.results[1].value).resolves.toBe(25);
      expect(await db.query(`SELECT id FROM ${table}`)).toEqual([{ id: 'live' }]);
      expect(rejections).toEqual([]);
    } finally {
      hostProcess.off('unhandledRejection', onRejection);
      proxy.restore();
    }
  });
});
