import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { UseGuards } from '@nestjs/common';
import { Query, Resolver } from '@nestjs/graphql';
import { ThrottlerModule } from '@nestjs/throttler';
import { MemorySessionStore, SessionModule, SessionThrottlerGuard } from '../../lib/index.js';
import { ACCOUNT_SDL, AccountResolver } from '../fixtures/graphql-account.resolver.js';
import { cookieFrom } from '../support/http-app.js';
import { GRAPHQL_DRIVERS, createGraphqlApp, postGraphql } from './graphql-app.js';
import type { GraphqlContextFunction, GraphqlDriverName } from './graphql-app.js';

const LIMIT = 2;

@Resolver()
class LimitedResolver {
  @UseGuards(SessionThrottlerGuard)
  @Query('limited')
  limited(): boolean {
    return true;
  }
}

const SDL = `${ACCOUNT_SDL} extend type Query { limited: Boolean }`;

/** The context functions the README shows, one per driver: each hands over the response. */
const CONTEXTS: Record<GraphqlDriverName, GraphqlContextFunction> = {
  'apollo-express': ({ req, res }: { req: object; res: object }) => ({ req, res }),
  'apollo-fastify': (request: object, reply: object) => ({ req: request, reply }),
  mercurius: (request: object, reply: object) => ({ req: request, reply }),
};
const CASES = GRAPHQL_DRIVERS.flatMap((driver) => [
  [driver, 'default'] as const,
  [driver, 'README'] as const,
]);

describe.each(CASES)('SessionThrottlerGuard on a resolver (%s, %s context)', (driver, shape) => {
  let app: INestApplication;
  const reachesResponse = shape === 'README' || driver !== 'apollo-fastify';

  beforeAll(async () => {
    const metadata = {
      imports: [
        ThrottlerModule.forRoot({ throttlers: [{ ttl: 60_000, limit: LIMIT }] }),
        SessionModule.forRoot({ secret: 't'.repeat(32), store: new MemorySessionStore() }),
      ],
      providers: [AccountResolver, LimitedResolver],
    };
    const context = shape === 'README' ? CONTEXTS[driver] : undefined;
    app = await createGraphqlApp(driver, SDL, metadata, context);
  });

  afterAll(() => app.close());

  async function signIn(userId: string): Promise<string> {
    const res = await postGraphql(app, `mutation { signIn(userId: "${userId}") }`).expect(200);
    return cookieFrom(res)!;
  }

  it('counts per session: one session past the limit is refused, another is not', async () => {
    const [first, second] = [await signIn('a'), await signIn('b')];
    for (let i = 0; i < LIMIT; i++) {
      const ok = await postGraphql(app, '{ limited }', { cookie: first }).expect(200);
      expect(ok.body).toEqual({ data: { limited: true } });
    }
    const refused = await postGraphql(app, '{ limited }', { cookie: first });
    expect(refused.body.data ?? { limited: null }).toEqual({ limited: null });
    expect(refused.body.errors![0].message).toMatch(/Too Many Requests/);

    // the driver's default context reaches the response, except Apollo's on Fastify
    expect(refused.headers['retry-after']).toBe(reachesResponse ? '60' : undefined);
    const other = await postGraphql(app, '{ limited }', { cookie: second }).expect(200);
    expect(other.body).toEqual({ data: { limited: true } });
  });
});
