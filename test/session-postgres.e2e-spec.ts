import 'reflect-metadata';
import { createHash } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { SessionModule, SessionService } from '../lib/index.js';
import { AccountController } from './fixtures/account.controller.js';
import { createTestSchema } from './support/database.js';
import type { TestSchema } from './support/database.js';
import { ADAPTERS, cookieFrom, createHttpApp, setCookies } from './support/http-app.js';
import { startSqlProxy } from './support/sql-counter.js';
import type { SqlProxy } from './support/sql-counter.js';

const secret = 'p'.repeat(32);
const SESSIONS = /\bsessions\b/;

describe.each(ADAPTERS)('sessions on PostgreSQL through TypeORM (%s)', (adapter) => {
  let proxy: SqlProxy;
  let schema: TestSchema;
  let app: INestApplication;
  let db: DataSource;
  let table: string;

  const http = () => request(app.getHttpServer());
  const rowCount = async () => Number((await db.query(`SELECT count(*) AS n FROM ${table}`))[0].n);
  const sessionStatements = () => proxy.statements(SESSIONS);

  async function login(userId = 'u1', cookie?: string): Promise<string> {
    const req = http().post('/login').send({ userId }).set('User-Agent', 'jest-e2e');
    const res = await (cookie ? req.set('Cookie', cookie) : req).expect(200);
    return cookieFrom(res)!;
  }

  beforeAll(async () => {
    proxy = await startSqlProxy(process.env.DATABASE_URL!);
    schema = await createTestSchema({ url: proxy.url });
    app = await createHttpApp(adapter, {
      imports: [
        TypeOrmModule.forRoot(schema.typeOrmOptions),
        SessionModule.forRoot({
          secret,
          idleTimeout: '30m',
          absoluteTimeout: '7d',
          cleanup: false,
        }),
      ],
      controllers: [AccountController],
    });
    db = app.get(DataSource);
    table = `"${schema.name}"."sessions"`;
  });

  afterAll(async () => {
    await app.close();
    await schema.drop();
    await proxy.close();
  });

  beforeEach(async () => {
    await db.query(`DELETE FROM ${table}`);
    proxy.reset();
  });

  it('sends no cookie and stores no row for an anonymous request that sets nothing', async () => {
    const res = await http().get('/peek').expect(200);
    expect(res.body).toMatchObject({ isNew: true, userId: null });
    expect(setCookies(res)).toEqual([]);
    expect(sessionStatements()).toEqual([]);
    expect(await rowCount()).toBe(0);
  });

  it('sets a signed cookie with the configured flags and an expiry matching the session', async () => {
    const res = await http().post('/login').send({ userId: 'u1' }).expect(200);
    const [cookie] = setCookies(res).filter((c) => c.startsWith('sid='));
    expect(cookie).toMatch(/^sid=[\w-]{43}\.[\w-]{43};/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Path=\//);
    const maxAge = Number(/Max-Age=(\d+)/.exec(cookie)![1]);
    expect(maxAge).toBeGreaterThan(30 * 60 - 5);
    expect(maxAge).toBeLessThanOrEqual(30 * 60);
    const [row] = await db.query(`SELECT expires_at FROM ${table}`);
    const expires = new Date(/Expires=([^;]+)/.exec(cookie)![1]).getTime();
    expect(Math.abs(expires - new Date(row.expires_at).getTime())).toBeLessThan(1000);
  });

  it('stores the SHA-256 of the token, never the token itself', async () => {
    const cookie = await login();
    const token = cookie.slice('sid='.length).split('.')[0];
    const rows: { id: string; dump: string }[] = await db.query(
      `SELECT id, row_to_json(s)::text AS dump FROM ${table} s`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].id).toBe(createHash('sha256').update(token).digest('base64url'));
    expect(rows[0].dump).not.toContain(token);
    expect(rows[0].dump).not.toContain(cookie.split('=')[1].split('.')[1]);
  });

  it('kills the pre-login cookie at sign-in and keeps the data (no session fixation)', async () => {
    const before = cookieFrom(await http().post('/counter').expect(200))!;
    const after = await login('u1', before);
    expect(after).not.toBe(before);
    const old = await http().get('/peek').set('Cookie', before).expect(200);
    expect(old.body).toMatchObject({ isNew: true, userId: null, counter: 0 });
    const kept = await http().get('/peek').set('Cookie', after).expect(200);
    expect(kept.body).toMatchObject({ isNew: false, userId: 'u1', counter: 1 });
    expect(await rowCount()).toBe(1);
  });

  it('logout deletes the row and clears the cookie', async () => {
    const cookie = await login();
    const res = await http().post('/logout').set('Cookie', cookie).expect(204);
    const cleared = setCookies(res).find((c) => c.startsWith('sid='));
    expect(cleared).toMatch(/^sid=;/);
    expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970/);
    expect(await rowCount()).toBe(0);
    await http().get('/me').set('Cookie', cookie).expect(401);
  });

  it.each([
    ['a tampered signature', (c: string) => c.slice(0, -2) + (c.endsWith('AA') ? 'BB' : 'AA')],
    ['a tampered token', (c: string) => `sid=${'A'.repeat(43)}${c.slice(4 + 43)}`],
    ['garbage', () => 'sid=%%%not-a-cookie;;=='],
    ['an empty value', () => 'sid='],
    ['a huge value', () => `sid=${'x'.repeat(6000)}`],
  ])('answers 401, never 500, and asks the store nothing for %s', async (_, mangle) => {
    const cookie = await login();
    proxy.reset();
    const res = await http().get('/me').set('Cookie', mangle(cookie));
    expect(res.status).toBe(401);
    expect(sessionStatements()).toEqual([]);
  });

  it('refuses an idle-expired session while its row still exists', async () => {
    const cookie = await login();
    await db.query(`UPDATE ${table} SET last_seen_at = now() - interval '31 minutes'`);
    await http().get('/me').set('Cookie', cookie).expect(401);
    expect(await rowCount()).toBe(1);
  });

  it('refuses an absolutely-expired session however active, while its row still exists', async () => {
    const cookie = await login();
    await db.query(`UPDATE ${table} SET created_at = now() - interval '8 days'`);
    await http().get('/me').set('Cookie', cookie).expect(401);
    expect(await rowCount()).toBe(1);
  });

  it('the sweep removes expired rows and keeps live ones', async () => {
    await login('u1');
    await login('u2');
    await db.query(
      `UPDATE ${table} SET expires_at = now() - interval '1 second' WHERE user_id = 'u1'`,
    );
    expect(await app.get(SessionService).deleteExpired()).toBe(1);
    expect(await db.query(`SELECT user_id FROM ${table}`)).toEqual([{ user_id: 'u2' }]);
  });

  it('lists, revokes one, and revokes all other sessions of a user', async () => {
    const first = await login('u1');
    const second = await login('u1');
    const third = await login('u1');
    await login('someone-else');
    const list = await http().get('/sessions').set('Cookie', first).expect(200);
    expect(list.body).toHaveLength(3);
    expect(list.body[0]).toMatchObject({ userAgent: 'jest-e2e', ip: expect.any(String) });
    const secondId = (await http().get('/me').set('Cookie', second).expect(200)).body.id;
    await http()
      .post(`/sessions/${encodeURIComponent(secondId)}/revoke`)
      .set('Cookie', first)
      .expect(204);
    await http().get('/me').set('Cookie', second).expect(401);
    const revoked = await http().post('/sessions/revoke-others').set('Cookie', first).expect(200);
    expect(revoked.body).toEqual({ revoked: 1 });
    await http().get('/me').set('Cookie', third).expect(401);
    await http().get('/me').set('Cookie', first).expect(200);
    expect(await rowCount()).toBe(2);
  });

  describe('statements on the sessions table', () => {
    it('none for a route without @Session() or a session guard, even with a valid cookie', async () => {
      const cookie = await login();
      proxy.reset();
      await http().get('/health').set('Cookie', cookie).expect(200);
      expect(sessionStatements()).toEqual([]);
    });

    it('one read and no write for an unmodified read within touchInterval', async () => {
      const cookie = await login();
      proxy.reset();
      const res = await http().get('/me').set('Cookie', cookie).expect(200);
      expect(sessionStatements()).toHaveLength(1);
      expect(sessionStatements()[0]).toMatch(/^SELECT/i);
      expect(setCookies(res)).toEqual([]);
    });

    it('one read and one write for a modifying request', async () => {
      const cookie = await login();
      proxy.reset();
      await http().post('/counter').set('Cookie', cookie).expect(200);
      const statements = sessionStatements();
      expect(statements).toHaveLength(2);
      expect(statements[1]).toMatch(/^UPDATE/i);
    });

    it('a touch after touchInterval writes timestamps only, never the data', async () => {
      const cookie = await login();
      await db.query(`UPDATE ${table} SET last_seen_at = now() - interval '2 minutes'`);
      proxy.reset();
      const res = await http().get('/me').set('Cookie', cookie).expect(200);
      const statements = sessionStatements();
      expect(statements).toHaveLength(2);
      expect(statements[1]).toMatch(/^UPDATE/i);
      expect(statements[1]).not.toMatch(/\bdata\b/);
      expect(cookieFrom(res)).toBe(cookie);
    });
  });
});
