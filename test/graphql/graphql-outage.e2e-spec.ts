import 'reflect-metadata';
import { Inject } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Session, SessionModule } from '../../lib/index.js';
import { STORE_RETRY_AFTER_SECONDS } from '../../lib/session.constants.js';
import { SESSION_MESSAGES } from '../../lib/session.messages.js';
import { ACCOUNT_SDL, AccountResolver } from '../fixtures/graphql-account.resolver.js';
import { createTestSchema } from '../support/database.js';
import type { TestSchema } from '../support/database.js';
import { cookieFrom, setCookies } from '../support/http-app.js';
import { startSqlProxy } from '../support/sql-counter.js';
import type { SqlProxy } from '../support/sql-counter.js';
import { GRAPHQL_DRIVERS, createGraphqlApp, postGraphql } from './graphql-app.js';

const CUT_STORE = Symbol('cut the store');

/** Changes the session, then takes the store down before the operation's commit. */
@Resolver()
class OutageResolver {
  constructor(@Inject(CUT_STORE) private readonly cut: () => void) {}

  @Mutation('setThemeThenCut')
  setThemeThenCut(@Args('value') value: string, @Session() session: Session): string {
    session.set('theme', value);
    this.cut();
    return value;
  }
}

const SDL = `${ACCOUNT_SDL} extend type Mutation { setThemeThenCut(value: String!): String! }`;

describe.each(GRAPHQL_DRIVERS)('a GraphQL commit during a store outage (%s)', (driver) => {
  let proxy: SqlProxy;
  let schema: TestSchema;
  let app: INestApplication;

  beforeAll(async () => {
    proxy = await startSqlProxy(process.env.DATABASE_URL!);
    schema = await createTestSchema({ url: proxy.url });
    app = await createGraphqlApp(driver, SDL, {
      imports: [
        TypeOrmModule.forRoot({
          ...schema.typeOrmOptions,
          extra: { connectionTimeoutMillis: 500 },
        }),
        SessionModule.forRoot({ secret: 'o'.repeat(32), cleanup: false, storeTimeout: '1s' }),
      ],
      providers: [
        AccountResolver,
        OutageResolver,
        { provide: CUT_STORE, useValue: () => proxy.cut() },
      ],
    });
  });

  afterAll(async () => {
    proxy.restore();
    await app.close();
    await schema.drop();
    await proxy.close();
  });

  it('answers 503 with Retry-After, in time; the cookie and stored data are kept', async () => {
    const signIn = await postGraphql(app, 'mutation { signIn(userId: "u1") }').expect(200);
    const cookie = cookieFrom(signIn)!;
    await postGraphql(app, 'mutation { setTheme(value: "before") }', { cookie }).expect(200);

    const started = Date.now();
    const res = await postGraphql(app, 'mutation { setThemeThenCut(value: "lost") }', { cookie });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe(String(STORE_RETRY_AFTER_SECONDS));
    expect(res.body).toEqual({
      data: null,
      errors: [
        {
          message: SESSION_MESSAGES.storeUnavailable(),
          extensions: { code: 'SERVICE_UNAVAILABLE' },
        },
      ],
    });
    expect(setCookies(res)).toEqual([]);

    proxy.restore();
    const me = await postGraphql(app, '{ me { userId theme } }', { cookie }).expect(200);
    expect(me.body).toEqual({ data: { me: { userId: 'u1', theme: 'before' } } });
  });

  it('answers a resolver that cannot load the session with a SERVICE_UNAVAILABLE error', async () => {
    const cookie = cookieFrom(await postGraphql(app, 'mutation { signIn(userId: "u2") }'))!;
    proxy.cut();
    try {
      const started = Date.now();
      const res = await postGraphql(app, '{ me { userId } }', { cookie });
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(res.body.errors).toHaveLength(1);
      expect(res.body.errors[0]).toMatchObject({
        message: SESSION_MESSAGES.storeUnavailable(),
        extensions: { code: 'SERVICE_UNAVAILABLE' },
      });
      expect(setCookies(res)).toEqual([]);
    } finally {
      proxy.restore();
    }
    const me = await postGraphql(app, '{ me { userId } }', { cookie }).expect(200);
    expect(me.body).toEqual({ data: { me: { userId: 'u2' } } });
  });
});
