import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { SessionModule, SessionService } from '../lib/index.js';
import { AccountController } from './fixtures/account.controller.js';
import { createTestSchema } from './support/database.js';
import type { TestSchema } from './support/database.js';
import { cookieFrom, createHttpApp } from './support/http-app.js';
import type { AdapterName } from './support/http-app.js';

const secret = 'i'.repeat(32);
const EXPIRED = 3_000;
const LIVE = 10;
const BATCH = 100;

/** Instance A on one adapter, instance B on the other: one app deployed twice. */
const PAIRS: [AdapterName, AdapterName][] = [
  ['express', 'fastify'],
  ['fastify', 'express'],
];

describe.each(PAIRS)(
  'two instances on one PostgreSQL schema (A: %s, B: %s)',
  (adapterA, adapterB) => {
    let schema: TestSchema;
    let a: INestApplication;
    let b: INestApplication;
    let table: string;

    const instance = (adapter: AdapterName) =>
      createHttpApp(adapter, {
        imports: [
          TypeOrmModule.forRoot(schema.typeOrmOptions),
          SessionModule.forRoot({ secret, cleanup: { interval: '1h', batchSize: BATCH } }),
        ],
        controllers: [AccountController],
      });
    const on = (app: INestApplication) => request(app.getHttpServer());
    const login = async (app: INestApplication, userId: string) =>
      cookieFrom(await on(app).post('/login').send({ userId }).expect(200))!;
    const query = <T>(sql: string, params: unknown[] = []) =>
      a.get(DataSource).query<T>(sql, params);

    beforeAll(async () => {
      schema = await createTestSchema();
      a = await instance(adapterA);
      b = await instance(adapterB);
      table = `"${schema.name}"."sessions"`;
    });

    afterAll(async () => {
      await Promise.all([a.close(), b.close()]);
      await schema.drop();
    });

    beforeEach(() => query(`DELETE FROM ${table}`));

    it('serves a session created on A from B, and a change made on B from A', async () => {
      const cookie = await login(a, 'alice');
      const onB = await on(b).get('/me').set('Cookie', cookie).expect(200);
      const onA = await on(a).get('/me').set('Cookie', cookie).expect(200);
      expect(onB.body).toEqual(onA.body);
      await on(b).post('/theme/light').set('Cookie', cookie).expect(200);
      expect((await on(a).get('/me').set('Cookie', cookie).expect(200)).body.theme).toBe('light');
    });

    it('refuses on A, at once, every session that revokeAllForUser ended on B', async () => {
      const first = await login(a, 'bob');
      const second = await login(a, 'bob');
      const other = await login(a, 'carol');
      await on(a).get('/me').set('Cookie', first).expect(200);
      expect(await b.get(SessionService).revokeAllForUser('bob')).toBe(2);
      await on(a).get('/me').set('Cookie', first).expect(401);
      await on(a).get('/me').set('Cookie', second).expect(401);
      await on(a).get('/me').set('Cookie', other).expect(200);
    });

    it('keeps the one session revokeAllForUser was told to spare, on both instances', async () => {
      const kept = await login(a, 'dave');
      const gone = await login(b, 'dave');
      const keptId = (await on(a).get('/me').set('Cookie', kept).expect(200)).body.id;
      expect(await b.get(SessionService).revokeAllForUser('dave', { except: keptId })).toBe(1);
      await on(a).get('/me').set('Cookie', gone).expect(401);
      await on(b).get('/me').set('Cookie', kept).expect(200);
    });

    it('deletes each expired row exactly once when both instances sweep at the same time', async () => {
      await query(
        `INSERT INTO ${table} (id, data, created_at, last_seen_at, expires_at) ` +
          "SELECT 'expired-' || g, '{}', now() - interval '2 days', now() - interval '2 days', " +
          "now() - interval '1 day' FROM generate_series(1, $1::int) g",
        [EXPIRED],
      );
      for (let i = 0; i < LIVE; i++) await login(i % 2 === 0 ? a : b, `live-${i}`);

      const [byA, byB] = await Promise.all([
        a.get(SessionService).deleteExpired(),
        b.get(SessionService).deleteExpired(),
      ]);

      expect(byA + byB).toBe(EXPIRED);
      const left = await query<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${table}`);
      expect(left).toEqual([{ n: LIVE }]);
    });
  },
);
