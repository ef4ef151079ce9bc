import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import request from 'supertest';
import { SessionModule } from '../../lib/index.js';
import { SESSION_MESSAGES } from '../../lib/session.messages.js';
import { AccountController } from '../fixtures/account.controller.js';
import { ACCOUNT_SDL, AccountResolver } from '../fixtures/graphql-account.resolver.js';
import { createTestSchema } from '../support/database.js';
import type { TestSchema } from '../support/database.js';
import { cookieFrom, setCookies } from '../support/http-app.js';
import { RecordingSessionStore } from '../support/recording-session.store.js';
import { startSqlProxy } from '../support/sql-counter.js';
import type { SqlProxy } from '../support/sql-counter.js';
import { GRAPHQL_DRIVERS, createGraphqlApp, postGraphql } from './graphql-app.js';

const secret = 'g'.repeat(32);
const STORES = ['memory', 'postgres'] as const;
const CASES = GRAPHQL_DRIVERS.flatMap((driver) => STORES.map((store) => [driver, store] as const));

/** The store calls an app made, read from the recording store or from the SQL proxy. */
interface StoreCalls {
  reset(): void;
  /** Every call (memory) or statement on the sessions table (Postgres). */
  all(): string[];
  /** The writes of data to an existing session: `patch` calls, or UPDATE statements. */
  updates(): string[];
}

describe.each(CASES)('the session in GraphQL resolvers (%s, %s store)', (driver, storeName) => {
  let app: INestApplication;
  let calls: StoreCalls;
  let proxy: SqlProxy | undefined;
  let schema: TestSchema | undefined;

  const gql = (query: string, cookie?: string, headers?: Record<string, string>) =>
    postGraphql(app, query, { cookie, headers });

  async function signIn(userId = 'u1'): Promise<string> {
    const res = await gql(`mutation { signIn(userId: "${userId}") }`).expect(200);
    expect(res.body).toEqual({ data: { signIn: true } });
    return cookieFrom(res)!;
  }

  beforeAll(async () => {
    const imports = [];
    if (storeName === 'postgres') {
      const sql = await startSqlProxy(process.env.DATABASE_URL!);
      proxy = sql;
      schema = await createTestSchema({ url: sql.url });
      imports.push(TypeOrmModule.forRoot(schema.typeOrmOptions));
      imports.push(SessionModule.forRoot({ secret, cleanup: false }));
      calls = {
        reset: () => sql.reset(),
        all: () => sql.statements(/\bsessions\b/),
        updates: () => sql.statements(/^\s*UPDATE\b.*\bsessions\b/is),
      };
    } else {
      const store = new RecordingSessionStore();
      imports.push(SessionModule.forRoot({ secret, store, cleanup: false }));
      calls = {
        reset: () => void store.calls.splice(0),
        all: () => store.calls.map((call) => call.method),
        updates: () => store.calls.filter((call) => call.method === 'patch').map(() => 'patch'),
      };
    }
    app = await createGraphqlApp(driver, ACCOUNT_SDL, {
      imports,
      controllers: [AccountController],
      providers: [AccountResolver],
    });
  });

  afterAll(async () => {
    await app.close();
    await schema?.drop();
    await proxy?.close();
  });

  it('a signIn mutation sets the cookie on its response; `me` reads the user with it', async () => {
    const cookie = await signIn('u1');
    expect(cookie).toMatch(/^sid=[\w-]{43}\.[\w-]{43}$/);
    const res = await gql('{ me { userId theme } }', cookie).expect(200);
    expect(res.body).toEqual({ data: { me: { userId: 'u1', theme: null } } });
  });

  it("refuses `me` without a session: extensions.code 'UNAUTHENTICATED', HTTP 200", async () => {
    const res = await gql('{ me { userId } }');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ me: null });
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors![0].message).toBe(SESSION_MESSAGES.unauthenticated());
    expect(res.body.errors![0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(setCookies(res)).toEqual([]);
  });

  it("a mutation's change is read over HTTP, and an HTTP change in GraphQL", async () => {
    const cookie = await signIn('u2');
    await gql('mutation { setTheme(value: "from-graphql") }', cookie).expect(200);
    const me = await request(app.getHttpServer()).get('/me').set('Cookie', cookie).expect(200);
    expect(me.body).toMatchObject({ userId: 'u2', theme: 'from-graphql' });

    await request(app.getHttpServer()).post('/theme/from-http').set('Cookie', cookie).expect(200);
    const res = await gql('{ me { theme } }', cookie).expect(200);
    expect(res.body).toEqual({ data: { me: { theme: 'from-http' } } });
  });

  it('two mutation fields of one operation keep both keys, in one write', async () => {
    const cookie = await signIn('u3');
    calls.reset();
    const res = await gql('mutation { setTheme(value: "both") setCounter(value: 7) }', cookie);
    expect(res.body).toEqual({ data: { setTheme: 'both', setCounter: 7 } });
    expect(calls.updates()).toHaveLength(1);
    const me = await gql('{ me { theme counter } }', cookie).expect(200);
    expect(me.body).toEqual({ data: { me: { theme: 'both', counter: 7 } } });
  });

  it('a query that touches no session makes no store call; one that does reads once', async () => {
    const cookie = await signIn('u4');
    calls.reset();
    const ping = await gql('{ ping }', cookie).expect(200);
    expect(ping.body).toEqual({ data: { ping: 'pong' } });
    expect(setCookies(ping)).toEqual([]);
    expect(calls.all()).toEqual([]);

    const both = await gql('{ ping me { userId } }', cookie).expect(200);
    expect(both.body).toEqual({ data: { ping: 'pong', me: { userId: 'u4' } } });
    expect(calls.all()).toHaveLength(1); // the read; nothing changed, nothing written
  });

  it('CsrfGuard on a mutation: refused without the token, accepted with it', async () => {
    const cookie = await signIn('u5');
    const tokenRes = await gql('{ csrfToken }', cookie).expect(200);
    const token = (tokenRes.body.data as { csrfToken: string }).csrfToken;
    expect(token).toMatch(/^[\w-]{20,}$/);

    const refused = await gql('mutation { guardedTheme(value: "forged") }', cookie);
    expect(refused.body.data ?? null).toBeNull();
    expect(refused.body.errors![0].message).toBe(SESSION_MESSAGES.csrfTokenMissing());

    const accepted = await gql('mutation { guardedTheme(value: "safe") }', cookie, {
      'x-csrf-token': token,
    }).expect(200);
    expect(accepted.body).toEqual({ data: { guardedTheme: 'safe' } });
    const me = await gql('{ me { theme } }', cookie).expect(200);
    expect(me.body).toEqual({ data: { me: { theme: 'safe' } } });
  });

  it('a signOut mutation clears the cookie and ends the session', async () => {
    const cookie = await signIn('u6');
    const res = await gql('mutation { signOut }', cookie).expect(200);
    expect(res.body).toEqual({ data: { signOut: true } });
    const cleared = setCookies(res).find((c) => c.startsWith('sid='));
    expect(cleared).toMatch(/^sid=;/);
    expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970/);
    const me = await gql('{ me { userId } }', cookie);
    expect(me.body.errors![0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});
