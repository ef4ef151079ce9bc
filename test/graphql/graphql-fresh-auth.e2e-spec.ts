import 'reflect-metadata';
import { jest } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Response } from 'supertest';
import { MemorySessionStore, SessionModule } from '../../lib/index.js';
import { SESSION_MESSAGES } from '../../lib/session.messages.js';
import {
  FRESH_AUTH_MAX_AGE_MS,
  FRESH_AUTH_SDL,
  FreshAuthResolver,
} from '../fixtures/graphql-fresh-auth.resolver.js';
import { createTestSchema } from '../support/database.js';
import type { TestSchema } from '../support/database.js';
import { fakeOnly } from '../support/fake-time.js';
import { cookieFrom } from '../support/http-app.js';
import { GRAPHQL_DRIVERS, createGraphqlApp, postGraphql } from './graphql-app.js';

const secret = 'f'.repeat(32);
const MINUTE = 60_000;
const STORES = ['memory', 'postgres'] as const;
const CASES = GRAPHQL_DRIVERS.flatMap((driver) => STORES.map((store) => [driver, store] as const));

interface GraphqlBody {
  data: { freshSecret: string } | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** The one GraphQL error of a refused `freshSecret`: its message and code. */
function refusal(res: Response): { message: string; code: string | undefined } {
  expect(res.status).toBe(200);
  const body = res.body as GraphqlBody;
  expect(body.data).toBeNull();
  expect(body.errors).toHaveLength(1);
  const [error] = body.errors!;
  return { message: error.message, code: error.extensions?.code };
}

describe.each(CASES)('@RequireFreshAuth on a resolver (%s, %s store)', (driver, storeName) => {
  let app: INestApplication;
  let schema: TestSchema | undefined;

  const gql = (query: string, cookie?: string) => postGraphql(app, query, { cookie });
  const freshSecret = (cookie?: string) => gql('{ freshSecret }', cookie);

  async function signIn(userId: string): Promise<string> {
    const res = await gql(`mutation { signIn(userId: "${userId}") }`).expect(200);
    expect(res.body).toEqual({ data: { signIn: true } });
    return cookieFrom(res)!;
  }

  beforeAll(async () => {
    const imports = [];
    if (storeName === 'postgres') {
      schema = await createTestSchema();
      imports.push(TypeOrmModule.forRoot(schema.typeOrmOptions));
      imports.push(SessionModule.forRoot({ secret, cleanup: false }));
    } else {
      imports.push(
        SessionModule.forRoot({ secret, store: new MemorySessionStore(), cleanup: false }),
      );
    }
    app = await createGraphqlApp(driver, FRESH_AUTH_SDL, {
      imports,
      providers: [FreshAuthResolver],
    });
  });

  afterAll(async () => {
    jest.useRealTimers();
    await app.close();
    await schema?.drop();
  });

  afterEach(() => jest.useRealTimers());

  it('answers a session signed in within maxAge', async () => {
    const start = Date.now();
    const cookie = await signIn('fresh-user');
    const res = await freshSecret(cookie).expect(200);
    expect(res.body).toEqual({ data: { freshSecret: 'secret of fresh-user' } });
    fakeOnly(['Date'], { now: start + FRESH_AUTH_MAX_AGE_MS - MINUTE }); // 9 minutes on
    const later = await freshSecret(cookie).expect(200);
    expect(later.body).toEqual({ data: { freshSecret: 'secret of fresh-user' } });
  });

  it("refuses a sign-in older than maxAge: 'ReauthenticationRequired', code FORBIDDEN", async () => {
    const start = Date.now();
    const cookie = await signIn('stale-user');
    fakeOnly(['Date'], { now: start + FRESH_AUTH_MAX_AGE_MS + MINUTE }); // 11 minutes on
    expect(refusal(await freshSecret(cookie))).toEqual({
      message: 'ReauthenticationRequired',
      code: 'FORBIDDEN',
    });
  });

  it('answers again once the stale session re-authenticates (a new cookie, the old one dead)', async () => {
    const start = Date.now();
    const stale = await signIn('step-up-user');
    fakeOnly(['Date'], { now: start + FRESH_AUTH_MAX_AGE_MS + MINUTE });
    expect(refusal(await freshSecret(stale)).code).toBe('FORBIDDEN');

    const res = await gql('mutation { reauthenticate }', stale).expect(200);
    expect(res.body).toEqual({ data: { reauthenticate: true } });
    const fresh = cookieFrom(res)!;
    expect(fresh).toBeDefined();
    expect(fresh).not.toBe(stale);
    const answered = await freshSecret(fresh).expect(200);
    expect(answered.body).toEqual({ data: { freshSecret: 'secret of step-up-user' } });
    expect(refusal(await freshSecret(stale)).code).toBe('UNAUTHENTICATED');
  });

  it("refuses an anonymous request as unauthenticated: code 'UNAUTHENTICATED'", async () => {
    expect(refusal(await freshSecret())).toEqual({
      message: SESSION_MESSAGES.unauthenticated(),
      code: 'UNAUTHENTICATED',
    });
  });
});
