import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import request from 'supertest';
import { SessionModule } from '../lib/index.js';
import { AccountController } from './fixtures/account.controller.js';
import { createTestSchema } from './support/database.js';
import type { TestSchema } from './support/database.js';
import { ADAPTERS, cookieFrom, createHttpApp } from './support/http-app.js';
import { recordLogs } from './support/log-recorder.js';
import type { LogRecording } from './support/log-recorder.js';
import { startSqlProxy } from './support/sql-counter.js';
import type { SqlProxy } from './support/sql-counter.js';
import { startFreezableRelay } from './support/tcp-relay.js';
import type { FreezableRelay } from './support/tcp-relay.js';

const REFUSED = 7;

/**
 * An outage logs two lines, whatever the number of requests it refuses: one when the store
 * stops answering (naming the operation and the error), one when it answers again (with
 * how long it was out and how many requests were answered 503). The database is reached
 * through a proxy that can cut every connection (the store fails at once) and a relay that
 * can freeze them (the store does not answer: `storeTimeout` runs out).
 */
describe.each(ADAPTERS)('store outage log (%s)', (adapter) => {
  let proxy: SqlProxy;
  let relay: FreezableRelay;
  let schema: TestSchema;
  let app: INestApplication;
  let logs: LogRecording | undefined;

  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    proxy = await startSqlProxy(process.env.DATABASE_URL!);
    relay = await startFreezableRelay(proxy.url);
    schema = await createTestSchema({ url: relay.url });
    app = await createHttpApp(adapter, {
      imports: [
        TypeOrmModule.forRoot(schema.typeOrmOptions),
        SessionModule.forRoot({ secret: 'l'.repeat(32), cleanup: false, storeTimeout: '300ms' }),
      ],
      controllers: [AccountController],
    });
  });

  afterEach(() => {
    logs?.stop();
    logs = undefined;
    proxy.restore();
    relay.thaw();
  });

  afterAll(async () => {
    await app.close();
    await schema.drop();
    await relay.close();
    await proxy.close();
  });

  /** Signs in while the store is up (which also ends any outage an earlier test left). */
  const login = async (userId: string) =>
    cookieFrom(await http().post('/login').send({ userId }).expect(200))!;

  /** `REFUSED` requests during the outage, each answered 503; then one once it is over. */
  async function outage(cookie: string, start: () => void, end: () => void): Promise<void> {
    logs = recordLogs();
    start();
    for (let i = 0; i < REFUSED; i++) await http().get('/me').set('Cookie', cookie).expect(503);
    end();
    await http().get('/me').set('Cookie', cookie).expect(200);
    await http().get('/me').set('Cookie', cookie).expect(200);
  }

  it('logs one line when the database refuses connections and one when it is back', async () => {
    const cookie = await login('cut');
    await outage(
      cookie,
      () => proxy.cut(),
      () => proxy.restore(),
    );
    const warnings = logs!.messages('SessionStore', 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^nestjs-sessions: the session store is unreachable \(failed to read a session: .+\)/,
    );
    expect(logs!.messages('SessionStore', 'log')).toEqual([
      expect.stringMatching(
        new RegExp(`reachable again after \\d+\\.\\d s; ${REFUSED} requests were answered 503`),
      ),
    ]);
    expect(logs!.messages('SessionStore')).toHaveLength(2);
  });

  it('logs one line when the database stops answering (storeTimeout) and one when it is back', async () => {
    const cookie = await login('frozen');
    await outage(
      cookie,
      () => relay.freeze(),
      () => relay.thaw(),
    );
    const warnings = logs!.messages('SessionStore', 'warn');
    expect(warnings).toEqual([
      // the gate's StoreTimeoutError, or the driver's own timeout if it gave up first
      expect.stringMatching(
        /^nestjs-sessions: the session store is unreachable \(failed to read a session: /,
      ),
    ]);
    expect(logs!.messages('SessionStore', 'log')).toEqual([
      expect.stringMatching(`; ${REFUSED} requests were answered 503 meanwhile`),
    ]);
  });
});
