import 'reflect-metadata';
import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { SessionModule } from '../lib/index.js';
import { SESSION_MESSAGES } from '../lib/session.messages.js';
import { AccountController } from './fixtures/account.controller.js';
import { AppSessionData } from './fixtures/app-session.data-class.js';
import { createTestSchema } from './support/database.js';
import type { TestSchema } from './support/database.js';
import { ADAPTERS, cookieFrom, createHttpApp, setCookies } from './support/http-app.js';

const secret = 'd'.repeat(32);

describe.each(ADAPTERS)('dataClass validation on PostgreSQL (%s)', (adapter) => {
  let schema: TestSchema;
  let app: INestApplication;
  let db: DataSource;
  let table: string;

  const http = () => request(app.getHttpServer());
  const login = async (userId: string) =>
    cookieFrom(await http().post('/login').send({ userId }).expect(200))!;
  const storedData = async (userId: string) =>
    (await db.query(`SELECT data FROM ${table} WHERE user_id = $1`, [userId]))[0]?.data;

  beforeAll(async () => {
    schema = await createTestSchema();
    app = await createHttpApp(adapter, {
      imports: [
        TypeOrmModule.forRoot(schema.typeOrmOptions),
        SessionModule.forRoot({ secret, dataClass: AppSessionData, cleanup: false }),
      ],
      controllers: [AccountController],
    });
    db = app.get(DataSource);
    table = `"${schema.name}"."sessions"`;
  });

  afterAll(async () => {
    await app.close();
    await schema.drop();
  });

  afterEach(() => jest.restoreAllMocks());

  it('fails a request that sets invalid data with 500 naming the field, keeping the old value', async () => {
    const cookie = await login('alice');
    const res = await http().post('/theme/neon').set('Cookie', cookie).expect(500);
    expect(res.body.message).toBe(SESSION_MESSAGES.invalidSessionData(['theme']));
    expect(setCookies(res)).toEqual([]);
    expect(await storedData('alice')).toEqual({ theme: 'dark' });
    const me = await http().get('/me').set('Cookie', cookie).expect(200);
    expect(me.body).toMatchObject({ userId: 'alice', theme: 'dark' });
  });

  it('stores nothing for a new session whose first data is invalid', async () => {
    const before = await db.query(`SELECT count(*)::int AS n FROM ${table}`);
    const res = await http().post('/theme/neon').expect(500);
    expect(res.body.message).toMatch(/\btheme\b/);
    expect(setCookies(res)).toEqual([]);
    expect(await db.query(`SELECT count(*)::int AS n FROM ${table}`)).toEqual(before);
  });

  it.each([
    ['a field of the wrong type', '{"theme": 42}', ['theme']],
    ['a value out of range', '{"theme": "dark", "counter": -1}', ['counter']],
    ['a field no longer allowed', '{"theme": "sepia"}', ['theme']],
  ])(
    'treats stored data with %s as no session: anonymous, 401, a warning, never 500',
    async (_, json, fields) => {
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      const userId = `stale-${fields.join('-')}-${json.length}`;
      const cookie = await login(userId);
      await db.query(`UPDATE ${table} SET data = $1::jsonb WHERE user_id = $2`, [json, userId]);
      await http().get('/me').set('Cookie', cookie).expect(401);
      expect(warn).toHaveBeenCalledWith(SESSION_MESSAGES.discardedSessionData(fields));
      const peek = await http().get('/peek').set('Cookie', cookie).expect(200);
      expect(peek.body).toMatchObject({ isNew: true, userId: null });
    },
  );

  it.each([
    ['null', 'null'],
    ['[1, 2]', 'an array'],
    ['"text"', 'a string'],
    ['42', 'a number'],
  ])(
    'treats stored data that is not an object (%s) as no session, never 500',
    async (json, kind) => {
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      const userId = `corrupt-${json}`;
      const cookie = await login(userId);
      await db.query(`UPDATE ${table} SET data = $1::jsonb WHERE user_id = $2`, [json, userId]);
      await http().get('/me').set('Cookie', cookie).expect(401);
      expect(warn).toHaveBeenCalledWith(SESSION_MESSAGES.discardedNonObjectSessionData(kind));
      const fresh = await http().post('/counter').set('Cookie', cookie).expect(200);
      expect(fresh.body).toEqual({ counter: 1 }); // a new session, nothing merged into the bad row
    },
  );
});
