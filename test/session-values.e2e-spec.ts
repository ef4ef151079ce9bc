import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import request from 'supertest';
import type { Response } from 'supertest';
import { MemorySessionStore, SessionModule } from '../lib/index.js';
import type { SessionModuleOptions } from '../lib/index.js';
import { SESSION_MESSAGES } from '../lib/session.messages.js';
import {
  ACCEPTED_VALUES,
  SessionValuesController,
  nested,
} from './fixtures/session-values.controller.js';
import { createTestSchema } from './support/database.js';
import type { TestSchema } from './support/database.js';
import { ADAPTERS, cookieFrom, createHttpApp, setCookies } from './support/http-app.js';
import type { AdapterName } from './support/http-app.js';

const secret = 'v'.repeat(32);
/** The limit of the app under test: the accepted values fit, 5 000 characters do not. */
const LIMIT = 4_096;

type StoreName = 'memory' | 'postgres';
const CASES = ADAPTERS.flatMap((adapter) =>
  (['memory', 'postgres'] as const).map((store) => [adapter, store] as const),
);

/** Apps sharing one store (one MemorySessionStore, or one Postgres schema). */
async function appsOnOneStore(adapter: AdapterName, storeName: StoreName) {
  const schema: TestSchema | undefined =
    storeName === 'postgres' ? await createTestSchema() : undefined;
  const memory = new MemorySessionStore();
  const apps: INestApplication[] = [];
  const start = async (options: Partial<SessionModuleOptions>) => {
    const app = await createHttpApp(adapter, {
      imports: [
        ...(schema ? [TypeOrmModule.forRoot(schema.typeOrmOptions)] : []),
        SessionModule.forRoot({
          secret,
          cleanup: false,
          ...(schema ? {} : { store: memory }),
          ...options,
        }),
      ],
      controllers: [SessionValuesController],
    });
    apps.push(app);
    return app;
  };
  const close = async () => {
    for (const app of apps) await app.close();
    await schema?.drop();
  };
  return { start, close };
}

describe.each(CASES)('session values over HTTP (%s, %s store)', (adapter, storeName) => {
  let stores: Awaited<ReturnType<typeof appsOnOneStore>>;
  let app: INestApplication;
  /** Same store, a limit of 64 KB: writes what `reader` must then serve but not rewrite. */
  let roomy: INestApplication;
  /** Same store and limit as `app`, and every request is a touch (`touchInterval` 1 ms). */
  let reader: INestApplication;

  beforeAll(async () => {
    stores = await appsOnOneStore(adapter, storeName);
    app = await stores.start({ maxDataSize: LIMIT });
    roomy = await stores.start({ maxDataSize: 65_536 });
    reader = await stores.start({ maxDataSize: LIMIT, touchInterval: 1 });
  });
  afterAll(() => stores.close());

  const http = (on = app) => request(on.getHttpServer());
  const values = async (cookie: string) =>
    (await http().get('/values').set('Cookie', cookie).expect(200)).body as {
      data: Record<string, unknown>;
      plain: boolean;
    };
  /** A stored session holding `profile: { name }`. */
  const sessionWithProfile = async (name = 'before') =>
    cookieFrom(await http().post(`/values/profile/${name}`).expect(200))!;

  function expectDataError(res: Response, message: string | RegExp): void {
    expect(res.status).toBe(500);
    expect(res.body.statusCode).toBe(500);
    expect(res.body.message).toMatch(message);
    expect(res.headers['retry-after']).toBeUndefined();
    expect(setCookies(res)).toEqual([]);
  }

  const refusal = (call: string, where: string, what: string) =>
    new RegExp(
      `^nestjs-sessions: session\\.${call} refused: ${where} is ${what}.* The session is unchanged\\.$`,
    );

  it.each([
    ['function', 'profile\\.onClick', 'a function'],
    ['symbol', 'the value', 'a symbol'],
    ['bigint', 'profile\\.balance', 'a BigInt'],
    ['nan', 'the value', 'NaN'],
    ['infinity', 'profile\\.ratio', '-Infinity'],
    ['date', 'profile\\.since', 'a Date, .*store date\\.toISOString\\(\\)'],
    ['map', 'the value', 'a Map'],
    ['set', 'profile\\.tags', 'a Set'],
    ['regexp', 'profile\\[0\\]', 'a RegExp'],
    ['buffer', 'the value', 'binary data \\(Buffer\\)'],
    ['typed-array', 'the value', 'binary data \\(Float32Array\\)'],
    ['undefined-in-array', 'profile\\.tags\\[1\\]', 'undefined \\(or a hole\\) in an array'],
    ['circular', 'profile\\.next\\.back', 'a circular reference'],
  ])(
    'refuses %s with 500 naming the path, keeping the stored session',
    async (kind, where, what) => {
      const cookie = await sessionWithProfile();
      const res = await http().post(`/values/refused/${kind}`).set('Cookie', cookie);
      expectDataError(res, refusal(`set\\('profile', …\\)`, where, what));
      expect((await values(cookie)).data.profile).toEqual({ name: 'before' });
    },
  );

  it.each([
    [
      'a NUL in a string',
      { tags: ['ok', 'a\u0000b'] },
      'profile\\.tags\\[1\\]',
      'a string with a NUL',
    ],
    ['a lone surrogate', 'mallory\ud800', 'the value', 'a string with a lone surrogate'],
    [
      'a NUL in a property name',
      { 'a\u0000': 1 },
      'the property name at profile\\["a\\\\u0000"\\]',
      'a string with a NUL',
    ],
    [
      'nesting 1 000 deep',
      nested(1_000),
      'profile\\[0\\]\\[0\\]\\[0\\]…',
      'nested deeper than 100 levels',
    ],
  ])(
    'refuses hostile JSON input (%s) with 500, not 503, keeping the session',
    async (_, value, where, what) => {
      const cookie = await sessionWithProfile();
      const res = await http().post('/values/echo').set('Cookie', cookie).send({ value });
      expectDataError(res, refusal(`set\\('profile', …\\)`, where, what));
      expect((await values(cookie)).data.profile).toEqual({ name: 'before' });
    },
  );

  it('refuses a hostile flash with 500 and stores nothing for a new visitor (no cookie)', async () => {
    const res = await http().post('/values/flash-echo').send({ value: 'a\u0000' });
    expectDataError(res, refusal(`flash\\('tried', …\\)`, 'the value', 'a string with a NUL'));
  });

  it('round-trips accepted values exactly: a DTO as a plain object, undefined fields left out', async () => {
    const expected = {
      profile: { name: 'Ada', address: { city: 'Lyon' }, tags: ['admin', 'ops'] },
      text: ACCEPTED_VALUES.text(),
      numbers: ACCEPTED_VALUES.numbers(),
      flags: [true, false, null],
      nested: nested(100),
      shared: { first: { id: 7 }, both: [{ id: 7 }, { id: 7 }] },
    };
    const res = await http().post('/values/accepted').expect(200);
    expect(res.body).toEqual({ data: expected, plain: true }); // get() in the same request
    const cookie = cookieFrom(res)!;
    expect(await values(cookie)).toEqual({ data: expected, plain: true }); // from the store
  });

  it('refuses a commit past maxDataSize with 500 naming the key and the limit; the old value is served', async () => {
    const cookie = cookieFrom(await http().post('/values/fill/cart/1000').expect(200))!;
    const res = await http().post('/values/fill/cart/5000').set('Cookie', cookie);
    const size = 5_000 + '{"cart":""}'.length;
    expectDataError(res, SESSION_MESSAGES.sessionDataTooLarge(size, LIMIT, "'cart'", size - 2));
    expect((await values(cookie)).data.cart).toHaveLength(1_000);
  });

  it('names the largest key when a small one tips the session over the limit', async () => {
    const cookie = cookieFrom(await http().post('/values/fill/cart/3500').expect(200))!;
    const res = await http().post('/values/fill/note/700').set('Cookie', cookie);
    expectDataError(
      res,
      /over maxDataSize \(4096 bytes\); its largest key is 'cart' \(3509 bytes\)/,
    );
    expect((await values(cookie)).data).toMatchObject({ cart: 'x'.repeat(3_500) });
    expect((await values(cookie)).data.note).toBeUndefined();
  });

  it('stores nothing for a new session whose first data is past the limit', async () => {
    const res = await http().post('/values/fill/cart/5000');
    expectDataError(res, /largest key is 'cart'/);
  });

  it('serves and touches a session past the limit on read-only requests; only a write is refused', async () => {
    const cookie = cookieFrom(await http(roomy).post('/values/fill/cart/10000').expect(200))!;
    for (let i = 0; i < 2; i++) {
      const res = await http(reader).get('/values').set('Cookie', cookie).expect(200);
      expect(setCookies(res)).toHaveLength(1); // touched: the expiry was written
      expect(res.body.data.cart).toHaveLength(10_000);
    }
    expectDataError(
      await http(reader).post('/values/fill/note/1').set('Cookie', cookie),
      /largest key is 'cart'/,
    );
  });
});
