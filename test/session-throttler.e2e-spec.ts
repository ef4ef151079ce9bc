import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
// @nestjs/throttler is CommonJS requiring the ESM-only Nest: Node loads it natively, Jest
// through test/setup/share-nest.ts.
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { SessionModule } from '../lib/index.js';
import { AccountController } from './fixtures/account.controller.js';
import { ThrottledController } from './fixtures/throttled.controller.js';
import { createTestSchema } from './support/database.js';
import type { TestSchema } from './support/database.js';
import { ADAPTERS, cookieFrom, createHttpApp } from './support/http-app.js';
import { startSqlProxy } from './support/sql-counter.js';
import type { SqlProxy } from './support/sql-counter.js';

const secret = 't'.repeat(32);
const LIMIT = 3;

describe.each(ADAPTERS)('SessionThrottlerGuard on PostgreSQL (%s)', (adapter) => {
  let proxy: SqlProxy;
  let schema: TestSchema;
  let app: INestApplication;

  const http = () => request(app.getHttpServer());
  const hit = (path: string, cookie?: string) => {
    const req = http().get(path);
    return cookie === undefined ? req : req.set('Cookie', cookie);
  };
  const login = async (userId: string) =>
    cookieFrom(await http().post('/login').send({ userId }).expect(200))!;
  async function exhaust(path: string, cookie?: string): Promise<void> {
    for (let i = 0; i < LIMIT; i++) await hit(path, cookie).expect(200);
    await hit(path, cookie).expect(429);
  }

  beforeAll(async () => {
    proxy = await startSqlProxy(process.env.DATABASE_URL!);
    schema = await createTestSchema({ url: proxy.url });
    app = await createHttpApp(adapter, {
      imports: [
        TypeOrmModule.forRoot({ ...schema.typeOrmOptions, connectTimeoutMS: 2_000 }),
        SessionModule.forRoot({ secret, cleanup: false }),
        ThrottlerModule.forRoot({ throttlers: [{ ttl: 60_000, limit: LIMIT }] }),
      ],
      controllers: [AccountController, ThrottledController],
    });
  });

  afterAll(async () => {
    await app.close();
    await schema.drop();
    await proxy.close();
  });

  it('answers 429 past the limit, and one session never throttles another or the IP', async () => {
    const alice = await login('alice');
    const bob = await login('bob');
    await exhaust('/throttled', alice);
    for (let i = 0; i < LIMIT; i++) await hit('/throttled', bob).expect(200);
    await exhaust('/throttled'); // anonymous requests: tracked by IP, their own bucket
    await hit('/throttled', alice).expect(429);
  });

  it('tracks a request with a bad or unknown cookie by its IP, so dropping the cookie does not help', async () => {
    const carol = await login('carol');
    await exhaust('/throttled/other');
    await hit('/throttled/other', `${carol.slice(0, -3)}AAA`).expect(429);
    await hit('/throttled/other', `sid=${'A'.repeat(43)}.${'B'.repeat(43)}`).expect(429);
    await hit('/throttled/other', carol).expect(200);
  });

  it('writes no per-request counter or timestamp into the session', async () => {
    const dave = await login('dave');
    const db = app.get(DataSource);
    const table = `"${schema.name}"."sessions"`;
    const before = await db.query(`SELECT data, last_seen_at FROM ${table} WHERE user_id = 'dave'`);
    proxy.reset();
    await exhaust('/throttled', dave);
    const statements = proxy.statements(/\bsessions\b/);
    expect(statements).toHaveLength(LIMIT + 1);
    statements.forEach((sql) => expect(sql).toMatch(/^SELECT/));
    expect(
      await db.query(`SELECT data, last_seen_at FROM ${table} WHERE user_id = 'dave'`),
    ).toEqual(before);
  });

  it('falls back to the IP when the store is down, so a route without @Session() keeps answering', async () => {
    const erin = await login('erin');
    proxy.cut();
    try {
      await hit('/throttled/spare', erin).expect(200);
    } finally {
      proxy.restore();
    }
    await hit('/throttled/spare', erin).expect(200);
  });
});
