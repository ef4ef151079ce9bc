import 'reflect-metadata';
import { jest } from '@jest/globals';
import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { EventEmitter2, EventEmitterModule } from '@nestjs/event-emitter';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Redis } from 'ioredis';
import request from 'supertest';
import {
  MemorySessionStore,
  RedisSessionStore,
  SESSION_EVENTS,
  SessionModule,
  SessionService,
} from '../../lib/index.js';
import type { SessionModuleOptions, SessionStore } from '../../lib/index.js';
import { AccountController } from '../fixtures/account.controller.js';
import { RequestGate } from '../fixtures/concurrency.controller.js';
import { createTestSchema } from '../support/database.js';
import { createMariaDbTestDatabase, testMariaDbUrl } from '../support/database-mariadb.js';
import { sqliteTestOptions } from '../support/database-sqlite.js';
import { fakeOnly } from '../support/fake-time.js';
import { ADAPTERS, cookieFrom, createHttpApp } from '../support/http-app.js';
import type { AdapterName } from '../support/http-app.js';
import { deleteKeysWithPrefix, testRedisUrl, uniquePrefix } from '../support/redis.js';
import { startSqlProxy } from '../support/sql-counter.js';
import type { SqlProxy } from '../support/sql-counter.js';
import { EventsController, SessionEventsRecorder } from './events.controller.js';
import type { HeardEvent } from './events.controller.js';

const secret = 'e'.repeat(32);
const MINUTE = 60_000;

const redisUrl = await testRedisUrl('session events');
const mariaDbUrl = await testMariaDbUrl('session.expired events on MariaDB');

type StoreName = 'memory' | 'postgres' | 'redis' | 'mariadb' | 'sqlite';

/** A store on its real backend for one app, and how to release it once the app is closed. */
interface StoreUnderTest {
  imports: NonNullable<ModuleMetadata['imports']>;
  /** Absent: the module's default TypeORM store on the app's DataSource. */
  store?: SessionStore;
  /** Postgres: the proxy the app reaches it through, to cut it. */
  proxy?: SqlProxy;
  teardown(): Promise<void>;
}

async function storeUnderTest(name: StoreName): Promise<StoreUnderTest> {
  switch (name) {
    case 'memory':
      return { imports: [], store: new MemorySessionStore(), teardown: () => Promise.resolve() };
    case 'postgres': {
      const proxy = await startSqlProxy(process.env.DATABASE_URL!);
      const schema = await createTestSchema({ url: proxy.url });
      return {
        imports: [TypeOrmModule.forRoot(schema.typeOrmOptions)],
        proxy,
        teardown: async () => {
          await schema.drop();
          await proxy.close();
        },
      };
    }
    case 'redis': {
      const client = new Redis(redisUrl!);
      const prefix = uniquePrefix();
      return {
        imports: [],
        store: new RedisSessionStore(client, { prefix }),
        teardown: async () => {
          await deleteKeysWithPrefix(client, prefix);
          await client.quit();
        },
      };
    }
    case 'mariadb': {
      const database = await createMariaDbTestDatabase(mariaDbUrl!);
      return {
        imports: [TypeOrmModule.forRoot(database.typeOrmOptions)],
        teardown: () => database.drop(),
      };
    }
    case 'sqlite':
      return {
        imports: [TypeOrmModule.forRoot(sqliteTestOptions())],
        teardown: () => Promise.resolve(),
      };
  }
}

/** An app with `EventEmitterModule` imported and a listener recording the library's events. */
async function createEventsApp(
  adapter: AdapterName,
  underTest: StoreUnderTest,
  options: Partial<SessionModuleOptions> = {},
  withEvents = true,
): Promise<INestApplication> {
  const store = underTest.store ? { store: underTest.store } : {};
  return createHttpApp(adapter, {
    imports: [
      ...underTest.imports,
      ...(withEvents ? [EventEmitterModule.forRoot()] : []),
      SessionModule.forRoot({ secret, cleanup: false, ...store, ...options }),
    ],
    controllers: [AccountController, EventsController],
    providers: [RequestGate, ...(withEvents ? [SessionEventsRecorder] : [])],
  });
}

let userCount = 0;
/** A user id no other test of this file signs in. */
const newUser = (label: string) => `${label}-${++userCount}`;

const sessionStores: StoreName[] = ['memory', 'postgres', ...(redisUrl ? ['redis' as const] : [])];
const CASES = ADAPTERS.flatMap((adapter) =>
  sessionStores.map((store) => [adapter, store] as const),
);

describe.each(CASES)('session events (%s, %s store)', (adapter, storeName) => {
  let underTest: StoreUnderTest;
  let app: INestApplication;
  let recorder: SessionEventsRecorder;
  let sessions: SessionService;

  const http = () => request(app.getHttpServer());
  const heard = (): HeardEvent[] => recorder.take();

  /** Signs `userId` in over HTTP; its cookie and the session's id as `/login` answered it. */
  async function login(userId: string): Promise<{ cookie: string; id: string }> {
    const res = await http().post('/login').send({ userId }).expect(200);
    return { cookie: cookieFrom(res)!, id: (res.body as { id: string }).id };
  }

  beforeAll(async () => {
    underTest = await storeUnderTest(storeName);
    app = await createEventsApp(adapter, underTest);
    recorder = app.get(SessionEventsRecorder);
    sessions = app.get(SessionService);
  });

  afterAll(async () => {
    await app.close();
    await underTest.teardown();
  });

  beforeEach(() => {
    recorder.take();
    app.get(RequestGate).reset();
  });

  afterEach(() => underTest.proxy?.restore());

  it('a sign-in emits one session.signedIn: the stored session, its user, a Date', async () => {
    const userId = newUser('alice');
    const before = Date.now();
    const { cookie, id } = await login(userId);
    const after = Date.now();

    const events = heard();
    expect(events).toStrictEqual([
      { name: SESSION_EVENTS.signedIn, event: { id, userId, at: expect.any(Date) } },
    ]);
    const { at } = events[0].event;
    expect(at.getTime()).toBeGreaterThanOrEqual(before);
    expect(at.getTime()).toBeLessThanOrEqual(after);
    expect((await sessions.listForUser(userId)).map((s) => s.id)).toEqual([id]);
    const me = await http().get('/me').set('Cookie', cookie).expect(200);
    expect(me.body).toMatchObject({ userId, id });
  });

  it('an anonymous session stored with data emits nothing', async () => {
    const res = await http().post('/counter').expect(200);
    expect(cookieFrom(res)).toBeDefined();
    expect(heard()).toEqual([]);
  });

  it('a sign-out emits session.signedOut for the session it deleted', async () => {
    const userId = newUser('bob');
    const { cookie, id } = await login(userId);
    heard();
    await http().post('/logout').set('Cookie', cookie).expect(204);
    expect(heard()).toStrictEqual([
      { name: SESSION_EVENTS.signedOut, event: { id, userId, at: expect.any(Date) } },
    ]);
    expect(await sessions.listForUser(userId)).toEqual([]);
  });

  it("revoke(id) emits session.revoked, reason 'revoke'; nothing for an unknown id", async () => {
    const userId = newUser('carol');
    const kept = await login(userId);
    const ended = await login(userId);
    heard();

    await sessions.revoke(ended.id);
    expect(heard()).toStrictEqual([
      {
        name: SESSION_EVENTS.revoked,
        event: { id: ended.id, userId, at: expect.any(Date), reason: 'revoke' },
      },
    ]);
    await http().get('/me').set('Cookie', ended.cookie).expect(401);
    await http().get('/me').set('Cookie', kept.cookie).expect(200);

    await sessions.revoke(ended.id); // already gone
    await sessions.revoke('no-such-session');
    expect(heard()).toEqual([]);
  });

  it("revokeAllForUser emits one session.revoked per live session, reason 'revokeAllForUser', sparing `except`", async () => {
    const userId = newUser('dave');
    const first = await login(userId);
    const second = await login(userId);
    const third = await login(userId);
    const other = await login(newUser('erin'));
    heard();

    const res = await http().post('/sessions/revoke-others').set('Cookie', first.cookie);
    expect(res.body).toEqual({ revoked: 2 });
    const events = heard();
    expect(events).toHaveLength(2);
    expect(events.map((e) => e.event.id).sort()).toEqual([second.id, third.id].sort());
    for (const { name, event } of events) {
      expect(name).toBe(SESSION_EVENTS.revoked);
      expect(event).toStrictEqual({
        id: event.id,
        userId,
        at: expect.any(Date),
        reason: 'revokeAllForUser',
      });
    }

    expect(await sessions.revokeAllForUser(userId)).toBe(1);
    expect(heard()).toStrictEqual([
      {
        name: SESSION_EVENTS.revoked,
        event: { id: first.id, userId, at: expect.any(Date), reason: 'revokeAllForUser' },
      },
    ]);
    expect(await sessions.revokeAllForUser(userId)).toBe(0);
    expect(heard()).toEqual([]);
    await http().get('/me').set('Cookie', other.cookie).expect(200);
  });

  if (storeName !== 'redis') {
    // (Redis drops an expired session by itself, on its own clock: there is none to find.)
    it('revokeAllForUser reports only live sessions, not an expired one not yet swept', async () => {
      const userId = newUser('expired-not-swept');
      const start = Date.now();
      await login(userId); // idle past idleTimeout (24h) below
      fakeOnly(['Date'], { now: start + 23 * 60 * MINUTE });
      const live = await login(userId);
      jest.setSystemTime(start + 25 * 60 * MINUTE);
      heard();
      try {
        await sessions.revokeAllForUser(userId);
        expect(heard()).toStrictEqual([
          {
            name: SESSION_EVENTS.revoked,
            event: { id: live.id, userId, at: expect.any(Date), reason: 'revokeAllForUser' },
          },
        ]);
      } finally {
        jest.useRealTimers();
      }
    });
  }

  it('a sign-in whose commit fails (data past maxDataSize) emits nothing and stores nothing', async () => {
    const userId = newUser('frank');
    const res = await http().post('/events/login-too-large').send({ userId });
    expect(res.status).toBe(500);
    expect(cookieFrom(res)).toBeUndefined();
    expect(heard()).toEqual([]);
    expect(await sessions.listForUser(userId)).toEqual([]);
  });

  it('a sign-in in a handler that then throws is still committed, and emits signedIn once', async () => {
    const userId = newUser('grace');
    const res = await http().post('/events/login-then-throw').send({ userId });
    expect(res.status).toBe(400);
    const listed = await sessions.listForUser(userId);
    expect(listed).toHaveLength(1);
    expect(heard()).toStrictEqual([
      { name: SESSION_EVENTS.signedIn, event: { id: listed[0].id, userId, at: expect.any(Date) } },
    ]);
    const me = await http().get('/me').set('Cookie', cookieFrom(res)!).expect(200);
    expect(me.body).toMatchObject({ userId, id: listed[0].id });
  });

  if (storeName === 'postgres') {
    it('a sign-in whose commit meets a store outage answers 503, emits nothing, stores nothing', async () => {
      const userId = newUser('heidi');
      const gate = app.get(RequestGate);
      const pending = http()
        .post('/events/login-held')
        .send({ userId })
        .then((res) => res);
      await gate.arrivals(1); // signIn() ran; the commit has not
      underTest.proxy!.cut();
      gate.open();
      const res = await pending;
      expect(res.status).toBe(503);
      expect(cookieFrom(res)).toBeUndefined();
      underTest.proxy!.restore();
      expect(await sessions.listForUser(userId)).toEqual([]);
      expect(heard()).toEqual([]);
    });
  }
});

const capStores: StoreName[] = ['memory', 'postgres', ...(redisUrl ? ['redis' as const] : [])];
const CAP_CASES = ADAPTERS.flatMap((adapter) =>
  capStores.map((store) => [adapter, store] as const),
);

describe.each(CAP_CASES)(
  'session events under maxSessionsPerUser (%s, %s store)',
  (adapter, storeName) => {
    const stores: StoreUnderTest[] = [];
    let revokeOldest: INestApplication;
    let refuse: INestApplication;

    const login = async (app: INestApplication, userId: string) =>
      request(app.getHttpServer()).post('/login').send({ userId });

    beforeAll(async () => {
      const oldest = await storeUnderTest(storeName);
      const refusing = await storeUnderTest(storeName);
      stores.push(oldest, refusing);
      revokeOldest = await createEventsApp(adapter, oldest, {
        maxSessionsPerUser: { max: 2, whenExceeded: 'revoke-oldest' },
      });
      refuse = await createEventsApp(adapter, refusing, {
        maxSessionsPerUser: { max: 1, whenExceeded: 'refuse' },
      });
    });

    afterAll(async () => {
      await revokeOldest.close();
      await refuse.close();
      for (const underTest of stores) await underTest.teardown();
    });

    it("the cap's revocation emits session.revoked, reason 'maxSessionsPerUser', then signedIn", async () => {
      const recorder = revokeOldest.get(SessionEventsRecorder);
      const sessions = revokeOldest.get(SessionService);
      const userId = newUser('ivan');
      const first = (await login(revokeOldest, userId).then((r) => r.body)) as { id: string };
      const second = (await login(revokeOldest, userId).then((r) => r.body)) as { id: string };
      expect(recorder.take().map((e) => [e.name, e.event.id])).toEqual([
        [SESSION_EVENTS.signedIn, first.id],
        [SESSION_EVENTS.signedIn, second.id],
      ]);

      const res = await login(revokeOldest, userId);
      expect(res.status).toBe(200);
      const third = res.body as { id: string };
      expect(recorder.take()).toStrictEqual([
        {
          name: SESSION_EVENTS.revoked,
          event: { id: first.id, userId, at: expect.any(Date), reason: 'maxSessionsPerUser' },
        },
        { name: SESSION_EVENTS.signedIn, event: { id: third.id, userId, at: expect.any(Date) } },
      ]);
      expect((await sessions.listForUser(userId)).map((s) => s.id)).toEqual([second.id, third.id]);
    });

    it("a sign-in refused by the cap ('refuse') emits nothing", async () => {
      const recorder = refuse.get(SessionEventsRecorder);
      const userId = newUser('judy');
      const first = await login(refuse, userId);
      expect(first.status).toBe(200);
      expect(recorder.take().map((e) => e.name)).toEqual([SESSION_EVENTS.signedIn]);
      const refused = await login(refuse, userId);
      expect(refused.status).toBe(409);
      expect(recorder.take()).toEqual([]);
    });
  },
);

const sweepingStores: StoreName[] = [
  'memory',
  'postgres',
  ...(mariaDbUrl ? ['mariadb' as const] : []),
  'sqlite',
];
const SWEEP_CASES = ADAPTERS.flatMap((adapter) =>
  sweepingStores.map((store) => [adapter, store] as const),
);

describe.each(SWEEP_CASES)(
  'session.expired from the sweep (%s, %s store)',
  (adapter, storeName) => {
    let underTest: StoreUnderTest;
    let app: INestApplication;

    const http = () => request(app.getHttpServer());
    const idOf = (res: request.Response) => (res.body as { id: string }).id;

    beforeAll(async () => {
      underTest = await storeUnderTest(storeName);
      app = await createEventsApp(adapter, underTest, {
        idleTimeout: '30m',
        absoluteTimeout: '7d',
      });
    });

    afterAll(async () => {
      await app.close();
      await underTest.teardown();
    });

    afterEach(() => jest.useRealTimers());

    it('deleteExpired() emits one session.expired per swept session, with its userId', async () => {
      const recorder = app.get(SessionEventsRecorder);
      const sessions = app.get(SessionService);
      const start = Date.now();
      const a = idOf(await http().post('/login').send({ userId: 'sweep-a' }).expect(200));
      const b = idOf(await http().post('/login').send({ userId: 'sweep-b' }).expect(200));
      const anonymous = idOf(await http().post('/events/anonymous').expect(200));
      fakeOnly(['Date'], { now: start + 20 * MINUTE });
      const live = idOf(await http().post('/login').send({ userId: 'sweep-c' }).expect(200));
      jest.setSystemTime(start + 31 * MINUTE); // the first three idle for 31 minutes, the last 11
      recorder.take();

      expect(await sessions.deleteExpired()).toBe(3);
      const events = recorder.take();
      expect(events.map((e) => e.name)).toEqual(Array(3).fill(SESSION_EVENTS.expired));
      const byId = (x: { id: string }, y: { id: string }) => x.id.localeCompare(y.id);
      expect(events.map((e) => e.event).sort(byId)).toStrictEqual(
        [
          { id: a, userId: 'sweep-a', at: expect.any(Date) },
          { id: b, userId: 'sweep-b', at: expect.any(Date) },
          { id: anonymous, userId: null, at: expect.any(Date) },
        ].sort(byId),
      );
      expect((await sessions.listForUser('sweep-c')).map((s) => s.id)).toEqual([live]);

      expect(await sessions.deleteExpired()).toBe(0);
      expect(recorder.take()).toEqual([]);
    });
  },
);

describe.each(ADAPTERS)('without EventEmitterModule imported (%s)', (adapter) => {
  let underTest: StoreUnderTest;
  let app: INestApplication;
  /** Every emit on every EventEmitter2 of the process, whoever made it (calls through). */
  let emits: ReturnType<typeof spyOnEmits>;

  const spyOnEmits = () => jest.spyOn(EventEmitter2.prototype, 'emit');
  const emitted = () => emits.mock.calls.map(([event]) => String(event));
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    emits = spyOnEmits();
    underTest = await storeUnderTest('memory');
    app = await createEventsApp(adapter, underTest, { idleTimeout: '30m' }, false);
  });

  afterAll(async () => {
    emits.mockRestore();
    await app.close();
    await underTest.teardown();
  });

  beforeEach(() => emits.mockClear());

  afterEach(() => jest.useRealTimers());

  it('an EventEmitter2 of our own is heard (the check below can see an emit)', () => {
    const ours = new EventEmitter2();
    const heard: string[] = [];
    ours.onAny((event) => heard.push(String(event)));
    ours.emit(SESSION_EVENTS.signedIn, {});
    expect(heard).toEqual([SESSION_EVENTS.signedIn]);
    expect(emitted()).toEqual([SESSION_EVENTS.signedIn]);
  });

  it('every session operation works and nothing is emitted', async () => {
    const sessions = app.get(SessionService);
    const userId = newUser('no-events');
    const first = cookieFrom(await http().post('/login').send({ userId }).expect(200))!;
    const second = await http().post('/login').send({ userId }).expect(200);
    const third = cookieFrom(await http().post('/login').send({ userId }).expect(200))!;
    await http().get('/me').set('Cookie', first).expect(200);
    await http().post('/logout').set('Cookie', first).expect(204);
    await sessions.revoke((second.body as { id: string }).id);
    await http().get('/me').set('Cookie', cookieFrom(second)!).expect(401);
    expect(await sessions.listForUser(userId)).toHaveLength(1);
    expect(await sessions.revokeAllForUser(userId)).toBe(1);
    await http().get('/me').set('Cookie', third).expect(401);
    await http().post('/events/anonymous').expect(200);
    fakeOnly(['Date'], { now: Date.now() + 31 * MINUTE });
    expect(await sessions.deleteExpired()).toBe(1);
    expect(emitted()).toEqual([]);
  });
});
