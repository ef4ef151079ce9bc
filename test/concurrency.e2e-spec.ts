import 'reflect-metadata';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import request from 'supertest';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { SessionModule } from '../lib/index.js';
import type { SessionData } from '../lib/index.js';
import { ConcurrencyController, RequestGate } from './fixtures/concurrency.controller.js';
import { createTestSchema } from './support/database.js';
import type { TestSchema } from './support/database.js';
import { ADAPTERS, cookieFrom, createHttpApp, setCookies } from './support/http-app.js';
import { startSqlProxy } from './support/sql-counter.js';
import type { SqlProxy } from './support/sql-counter.js';

const secret = 'c'.repeat(32);
const WRITERS = 200;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Totals over the file, reported once at the end. */
const figures = { requestsTried: 0, lostUpdates: 0 };
afterAll(() => {
  console.info(
    `concurrency: ${figures.requestsTried} concurrent requests tried on one session, ` +
      `${figures.lostUpdates} lost updates found`,
  );
});

describe.each(ADAPTERS)('concurrent requests on one session, on PostgreSQL (%s)', (adapter) => {
  let proxy: SqlProxy;
  let schema: TestSchema;
  let app: INestApplication;
  let gate: RequestGate;
  let db: DataSource;
  let baseUrl: string;
  let table: string;

  const post = (path: string, cookie: string, body: object = {}) =>
    request(baseUrl).post(path).set('Cookie', cookie).send(body);

  /** A stored session to hammer; returns its cookie. */
  const start = async () => cookieFrom(await request(baseUrl).post('/start').expect(200))!;
  const storedRows = async (): Promise<{ id: string; data: SessionData }[]> =>
    db.query(`SELECT id, data FROM ${table}`);
  async function storedData(): Promise<SessionData> {
    const rows = await storedRows();
    expect(rows).toHaveLength(1);
    return rows[0].data;
  }

  /**
   * Sends every request at once and holds each at the gate, its session loaded, until all
   * `held` of them are there; then lets them all write together.
   */
  async function together(held: number, requests: PromiseLike<Response>[]): Promise<Response[]> {
    const all = Promise.all(requests);
    const early = all.then(() =>
      Promise.reject(new Error('requests ended before the gate opened')),
    );
    await Promise.race([gate.arrivals(held), early]);
    gate.open();
    figures.requestsTried += requests.length;
    return all;
  }

  beforeAll(async () => {
    proxy = await startSqlProxy(process.env.DATABASE_URL!);
    schema = await createTestSchema({ url: proxy.url });
    app = await createHttpApp(adapter, {
      imports: [
        TypeOrmModule.forRoot(schema.typeOrmOptions),
        // touchInterval 1 ms: every unmodified request writes a touch, so touches race writes
        SessionModule.forRoot({ secret, touchInterval: 1, cleanup: false }),
      ],
      controllers: [ConcurrencyController],
      providers: [RequestGate],
    });
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${((app.getHttpServer() as Server).address() as AddressInfo).port}`;
    gate = app.get(RequestGate);
    db = app.get(DataSource);
    table = `"${schema.name}"."sessions"`;
  });

  afterAll(async () => {
    await app.close();
    await schema.drop();
    await proxy.close();
  });

  beforeEach(async () => {
    gate.reset();
    await db.query(`DELETE FROM ${table}`);
    proxy.reset();
  });

  it(`keeps every key when ${WRITERS} requests each set a different key from the same snapshot`, async () => {
    const cookie = await start();
    const writes = range(WRITERS).map((i) => post(`/held/keys/k${i}`, cookie, { value: i }));
    const responses = await together(WRITERS, writes);

    responses.forEach((res) => expect(res.body).toEqual({ isNew: false }));
    const data = await storedData();
    const lost = range(WRITERS).filter((i) => data[`k${i}`] !== i);
    figures.lostUpdates += lost.length;
    expect(lost).toEqual([]);
    expect(data).toEqual({
      origin: 'start',
      ...Object.fromEntries(range(WRITERS).map((i) => [`k${i}`, i])),
    });
    expect(proxy.statements(/^UPDATE\b.*\bsessions\b/s)).toHaveLength(WRITERS);
  });

  it('ends a key written by many requests at once with exactly one of the written objects', async () => {
    const cookie = await start();
    const written = range(WRITERS / 2).map((i) => ({
      writer: i,
      tags: [`t${i}`, `u${i}`],
      nested: { n: i, label: `w${i}`, flag: i % 2 === 0 },
    }));
    const writes = written.map((value) => post('/held/keys/shared', cookie, { value }));
    await together(written.length, writes);

    const data = await storedData();
    expect(written).toContainEqual(data.shared);
    expect(data.origin).toBe('start');
  });

  it('never lets an expiry touch rewrite the data that concurrent writes changed', async () => {
    const cookie = await start();
    const writers = WRITERS / 2;
    const readers = WRITERS / 2;
    const writes = range(writers).map((i) => post(`/held/keys/k${i}`, cookie, { value: i }));
    const reads = range(readers).map(() =>
      request(baseUrl).get('/held/read').set('Cookie', cookie),
    );
    const responses = await together(writers + readers, [...writes, ...reads]);

    responses.forEach((res) => expect(res.status).toBe(200));
    const data = await storedData();
    const lost = range(writers).filter((i) => data[`k${i}`] !== i);
    figures.lostUpdates += lost.length;
    expect(lost).toEqual([]);
    const updates = proxy.statements(/^UPDATE\b.*\bsessions\b/s);
    const touches = updates.filter((sql) => !/\bdata\b/.test(sql));
    // none of the touches wrote data; readers held together share the touch in flight
    expect(touches.length).toBeGreaterThanOrEqual(1);
    expect(touches.length).toBeLessThanOrEqual(readers);
    expect(updates).toHaveLength(writers + touches.length);
  });

  it('never resurrects a session destroyed while other requests held it', async () => {
    const cookie = await start();
    const writes = range(WRITERS / 2).map((i) => post(`/held/keys/late${i}`, cookie, { value: i }));
    const all = Promise.all(writes);
    await Promise.race([gate.arrivals(writes.length), all]);
    await post('/destroy', cookie).expect(204); // while every writer holds the loaded session
    gate.open();
    figures.requestsTried += writes.length + 1;

    for (const res of await all) {
      expect(res.status).toBe(200);
      expect(setCookies(res).find((c) => c.startsWith('sid='))).toMatch(/^sid=;/);
    }
    expect(await storedRows()).toEqual([]);
  });

  it('leaves no trace of a session destroyed in the middle of concurrent writes', async () => {
    const cookie = await start();
    const writes = range(WRITERS / 2).map((i) => post(`/held/keys/race${i}`, cookie, { value: i }));
    const destroy = post('/held/destroy', cookie);
    const responses = await together(writes.length + 1, [...writes, destroy]);

    responses.forEach((res) => expect([200, 204]).toContain(res.status));
    expect(await storedRows()).toEqual([]); // every writer had loaded it: none may create or revive a row
  });
});
