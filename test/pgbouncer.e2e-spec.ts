import 'reflect-metadata';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jest } from '@jest/globals';
import { Body, Controller, HttpCode, Logger, Param, Post } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { Session, SessionModule, TypeOrmSessionStore } from '../lib/index.js';
import type { SessionModuleOptions } from '../lib/index.js';
import { SESSION_MESSAGES } from '../lib/session.messages.js';
import { AccountController } from './fixtures/account.controller.js';
import { createTestSchema, testDatabaseUrl, testTypeOrmOptions } from './support/database.js';
import type { TestSchema } from './support/database.js';
import { countingReads, eventually } from './support/cache-flow.js';
import { ADAPTERS, cookieFrom, createHttpApp } from './support/http-app.js';
import { pgBouncerSkipReason, startPgBouncer } from './support/pgbouncer.js';
import type { PgBouncer } from './support/pgbouncer.js';

const secret = 'b'.repeat(32);
const CLIENTS = 30;
const READS_PER_CLIENT = 20;
const WRITES = 200;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

const skipReason = pgBouncerSkipReason();
if (skipReason) console.warn(`test/pgbouncer.e2e-spec.ts did NOT run: ${skipReason}.`);
const describeWithPgBouncer = skipReason ? describe.skip : describe;

/** Sets one key of the session per request: the concurrent writes. */
@Controller()
class KeysController {
  @Post('keys/:key')
  @HttpCode(200)
  set(@Param('key') key: string, @Body() body: { value: number }, @Session() session: Session) {
    session.set(key, body.value);
    return { key };
  }
}

/** How many responses had each status, e.g. `{ 200: 550, 503: 50 }`. */
function statusCounts(responses: { status: number }[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const { status } of responses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

/** How the app builds its store: the default one, or one told to skip prepared statements. */
type StoreChoice = 'automatic fallback' | 'preparedStatements: false';
const CHOICES: StoreChoice[] = ['automatic fallback', 'preparedStatements: false'];

function sessionModule(choice: StoreChoice, extra: Partial<SessionModuleOptions> = {}) {
  const options = { secret, cleanup: false as const, ...extra };
  if (choice === 'automatic fallback') return SessionModule.forRoot(options);
  return SessionModule.forRootAsync({
    inject: [DataSource],
    useFactory: (dataSource: DataSource) => ({
      ...options,
      store: new TypeOrmSessionStore(dataSource, { preparedStatements: false }),
    }),
  });
}

/** The warnings logged through Nest's `Logger` while the spy is installed. */
function spyOnWarnings() {
  return jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
}
const warned = (spy: ReturnType<typeof spyOnWarnings>, expected: string | RegExp) =>
  spy.mock.calls.filter(([message]) =>
    typeof expected === 'string' ? message === expected : expected.test(String(message)),
  ).length;

describeWithPgBouncer('behind PgBouncer in transaction mode', () => {
  let bouncer: PgBouncer;

  beforeAll(async () => {
    bouncer = await startPgBouncer(testDatabaseUrl());
  });

  afterAll(() => bouncer?.close());

  describe.each(ADAPTERS.flatMap((adapter) => CHOICES.map((choice) => [adapter, choice])))(
    'the TypeORM store (%s, %s)',
    (adapter, choice) => {
      let schema: TestSchema;
      let app: INestApplication;
      let baseUrl: string;
      let warnings: ReturnType<typeof spyOnWarnings>;
      const cookies: string[] = [];

      beforeAll(async () => {
        warnings = spyOnWarnings();
        // the schema is made on Postgres itself; the app, its migrations included, goes through
        // PgBouncer
        schema = await createTestSchema({ url: bouncer.url });
        app = await createHttpApp(adapter as 'express' | 'fastify', {
          imports: [
            TypeOrmModule.forRoot(schema.typeOrmOptions),
            sessionModule(choice as StoreChoice),
          ],
          controllers: [AccountController, KeysController],
        });
        await app.listen(0, '127.0.0.1');
        const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
        baseUrl = `http://127.0.0.1:${port}`;
        for (const i of range(CLIENTS)) {
          const login = await request(baseUrl)
            .post('/login')
            .send({ userId: `user-${i}` });
          expect(login.status).toBe(200);
          cookies.push(cookieFrom(login)!);
        }
      });

      afterAll(async () => {
        warnings?.mockRestore();
        await app?.close();
        await schema?.drop();
      });

      it(`answers ${CLIENTS} signed-in clients × ${READS_PER_CLIENT} concurrent reads, all 200`, async () => {
        const reads = range(CLIENTS * READS_PER_CLIENT).map((n) =>
          request(baseUrl)
            .get('/me')
            .set('Cookie', cookies[n % CLIENTS]),
        );
        const responses = await Promise.all(reads);
        expect(statusCounts(responses)).toEqual({ 200: CLIENTS * READS_PER_CLIENT });
        const wrongUser = responses.filter((res, n) => res.body.userId !== `user-${n % CLIENTS}`);
        expect(wrongUser).toHaveLength(0);
      });

      it(`stores every one of ${WRITES} concurrent writes, all 200`, async () => {
        const writes = range(WRITES).map((n) =>
          request(baseUrl)
            .post(`/keys/k${n}`)
            .set('Cookie', cookies[n % CLIENTS])
            .send({ value: n }),
        );
        expect(statusCounts(await Promise.all(writes))).toEqual({ 200: WRITES });
        const rows = await app
          .get(DataSource)
          .query<{ user_id: string; data: Record<string, unknown> }[]>(
            `SELECT user_id, data FROM "${schema.name}"."sessions"`,
          );
        const stored = new Map(rows.map((row) => [row.user_id, row.data]));
        const lost = range(WRITES).filter(
          (n) => stored.get(`user-${n % CLIENTS}`)?.[`k${n}`] !== n,
        );
        expect(lost).toEqual([]);
      });

      it(
        choice === 'automatic fallback'
          ? 'switched to unnamed statements once, saying why in one warning'
          : 'never tried a named prepared statement',
        () => {
          const expected = choice === 'automatic fallback' ? 1 : 0;
          expect(warned(warnings, SESSION_MESSAGES.preparedStatementsOff())).toBe(expected);
        },
      );
    },
  );

  describe.each(ADAPTERS)('the read cache of two instances (%s)', (adapter) => {
    let schema: TestSchema;
    const apps: INestApplication[] = [];
    let warnings: ReturnType<typeof spyOnWarnings>;
    const unverified = new RegExp(
      SESSION_MESSAGES.cacheChannelUnverified('CHANNEL')
        .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
        .replace('CHANNEL', 'nestjs_sessions_[0-9a-f]+'),
    );

    beforeAll(async () => {
      warnings = spyOnWarnings();
      schema = await createTestSchema({ url: bouncer.url });
      for (let i = 0; i < 2; i++) {
        const app = await createHttpApp(adapter, {
          imports: [
            TypeOrmModule.forRoot(schema.typeOrmOptions),
            sessionModule('automatic fallback', { cache: { ttl: '1h' } }),
          ],
          controllers: [AccountController],
        });
        apps.push(app);
      }
    });

    afterAll(async () => {
      warnings?.mockRestore();
      for (const app of apps) await app.close();
      await schema?.drop();
    });

    it('stays off on each instance, with one warning that retries do not repeat', async () => {
      // the channel retries 100 ms after a failed 2 s probe: wait for a retry to fail too
      await new Promise((resolve) => setTimeout(resolve, 2_600));
      expect(warned(warnings, unverified)).toBe(apps.length);
    });

    it('serves every read from the store: what the other instance changed or ended is seen at once', async () => {
      const [a, b] = apps.map((app) => () => request(app.getHttpServer()));
      const cookie = cookieFrom(await a().post('/login').send({ userId: 'cached' }).expect(200))!;
      expect((await b().get('/me').set('Cookie', cookie).expect(200)).body.theme).toBe('dark');
      await a().post('/theme/light').set('Cookie', cookie).expect(200);
      expect((await b().get('/me').set('Cookie', cookie).expect(200)).body.theme).toBe('light');
      await a().post('/logout').set('Cookie', cookie).expect(204);
      await b().get('/me').set('Cookie', cookie).expect(401);
    });
  });

  describe.each(ADAPTERS)(
    'the read cache of two instances with invalidationDataSource on a direct connection (%s)',
    (adapter) => {
      let schema: TestSchema;
      const apps: INestApplication[] = [];
      const dataSources: DataSource[] = [];
      const readCounts: (() => number)[] = [];
      let warnings: ReturnType<typeof spyOnWarnings>;

      beforeAll(async () => {
        warnings = spyOnWarnings();
        schema = await createTestSchema({ url: bouncer.url });
        for (let i = 0; i < 2; i++) {
          const pooled = new DataSource(schema.typeOrmOptions);
          const direct = new DataSource({
            ...testTypeOrmOptions(schema.name, testDatabaseUrl()),
            migrationsRun: false,
          });
          await pooled.initialize();
          await direct.initialize();
          dataSources.push(pooled, direct);
          const store = new TypeOrmSessionStore(pooled, { invalidationDataSource: direct });
          const counted = countingReads(store);
          readCounts.push(() => counted.reads());
          const app = await createHttpApp(adapter, {
            imports: [
              SessionModule.forRoot({
                secret,
                cleanup: false,
                store: counted.store,
                cache: { ttl: '1h' },
              }),
            ],
            controllers: [AccountController],
          });
          apps.push(app);
        }
      });

      afterAll(async () => {
        warnings?.mockRestore();
        for (const app of apps) await app.close();
        for (const dataSource of dataSources)
          if (dataSource.isInitialized) await dataSource.destroy();
        await schema?.drop();
      });

      it('caches reads (the channel proved itself, no warning) and still refuses at once on B what A ended', async () => {
        const [a, b] = apps.map((app) => () => request(app.getHttpServer()));
        const cookie = cookieFrom(await a().post('/login').send({ userId: 'direct' }).expect(200))!;
        await b().get('/me').set('Cookie', cookie).expect(200);
        const before = readCounts[1]();
        await b().get('/me').set('Cookie', cookie).expect(200);
        expect(readCounts[1]()).toBe(before); // served from B's cache: no store read
        await a().post('/logout').set('Cookie', cookie).expect(204);
        // only the channel can make B refuse: its cached entry would be good for an hour
        await eventually(async () => (await b().get('/me').set('Cookie', cookie)).status === 401);
        expect(warned(warnings, /did not hear a probe NOTIFY/)).toBe(0);
      });
    },
  );
});
