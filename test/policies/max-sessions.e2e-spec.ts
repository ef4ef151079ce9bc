import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { Response } from 'supertest';
import {
  CookieSessionStore,
  MemorySessionStore,
  SessionService,
  SessionStoreCapabilityError,
} from '../../lib/index.js';
import type { SessionModuleOptions, SessionSummary } from '../../lib/index.js';
import { ADAPTERS, cookieFrom, setCookies } from '../support/http-app.js';
import type { AdapterName } from '../support/http-app.js';
import {
  bootError,
  createPolicyApp,
  me,
  on,
  POLICY_SECRET,
  signIn,
  sleep,
} from './policy-app.factory.js';
import { storeKits } from './policy-stores.kit.js';
import type { StoreKit } from './policy-stores.kit.js';

const REVOKE_OLDEST = { max: 2, whenExceeded: 'revoke-oldest' } as const;
const REFUSE = { max: 2, whenExceeded: 'refuse' } as const;
const TOO_MANY = {
  statusCode: 409,
  error: 'TooManySessions',
  message: 'This account is already signed in on 2 devices; sign out of one of them first.',
};

const kits = await storeKits('maxSessionsPerUser');
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const idsOf = (sessions: { id: string }[]) => sessions.map(({ id }) => id).sort();

/** Sign-ins a few milliseconds apart, so that their sessions' creation times are ordered. */
async function signInsInOrder(app: INestApplication, userId: string, count: number) {
  const cookies: string[] = [];
  while (cookies.length < count) {
    cookies.push(await signIn(app, userId));
    await sleep(5);
  }
  return cookies;
}

describe.each(kits)('maxSessionsPerUser on %s', (_, makeKit) => {
  let kit: StoreKit;

  beforeAll(async () => {
    kit = await makeKit();
  });

  afterAll(() => kit.close());

  describe.each(ADAPTERS)('(%s)', (adapter: AdapterName) => {
    let revoking: INestApplication;
    let refusing: INestApplication;
    const user = (name: string) => `${name}-${adapter}`;

    beforeAll(async () => {
      revoking = await createPolicyApp(adapter, await kit.open(), {
        maxSessionsPerUser: REVOKE_OLDEST,
      });
      refusing = await createPolicyApp(adapter, await kit.open(), { maxSessionsPerUser: REFUSE });
    });

    afterAll(async () => {
      await revoking.close();
      await refusing.close();
    });

    it("revoke-oldest: a third sign-in ends the user's oldest session and keeps the other two", async () => {
      const bystander = await signIn(revoking, user('bob'));
      const [first, second] = await signInsInOrder(revoking, user('alice'), 2);
      const firstId = (await me(revoking, first)).id;
      const third = await signIn(revoking, user('alice'));

      await on(revoking).get('/me').set('Cookie', first).expect(401);
      const kept = [await me(revoking, second), await me(revoking, third)];
      const devices = await on(revoking).get('/devices').set('Cookie', third).expect(200);
      expect(idsOf(devices.body as SessionSummary[])).toEqual(idsOf(kept));
      expect(idsOf(kept)).not.toContain(firstId);
      expect(await kit.countLive(user('alice'))).toBe(2);
      // another user's session is neither counted nor revoked
      expect((await me(revoking, bystander)).userId).toBe(user('bob'));
      expect(await kit.countLive(user('bob'))).toBe(1);
    });

    it('revoke-oldest: keeps revoking the oldest at every sign-in past the cap', async () => {
      const cookies = await signInsInOrder(revoking, user('carol'), 5);
      for (const cookie of cookies.slice(0, 3)) {
        await on(revoking).get('/me').set('Cookie', cookie).expect(401);
      }
      for (const cookie of cookies.slice(3)) await me(revoking, cookie);
      expect(await kit.countLive(user('carol'))).toBe(2);
    });

    it('revoke-oldest: a session of the user signing in again replaces itself, revoking no other', async () => {
      const [first, second] = await signInsInOrder(revoking, user('dan'), 2);
      const again = await signIn(revoking, user('dan'), { cookie: second });
      await on(revoking).get('/me').set('Cookie', second).expect(401);
      await me(revoking, first);
      await me(revoking, again);
      expect(await kit.countLive(user('dan'))).toBe(2);
    });

    it('refuse: a session of the user at the cap signing in again is admitted, replacing itself', async () => {
      const [first, second] = await signInsInOrder(refusing, user('erin'), 2);
      const again = await signIn(refusing, user('erin'), { cookie: second });
      await on(refusing).get('/me').set('Cookie', second).expect(401);
      await me(refusing, first);
      await me(refusing, again);
      expect(await kit.countLive(user('erin'))).toBe(2);
    });

    it("refuse: a sign-in past the cap answers 409 TooManySessions and keeps the client's session", async () => {
      const [first, second] = await signInsInOrder(refusing, user('frank'), 2);
      const noted = await on(refusing).post('/note').send({ note: 'before sign-in' }).expect(200);
      const anonymous = cookieFrom(noted)!;

      const refused = await on(refusing)
        .post('/login')
        .set('Cookie', anonymous)
        .send({ userId: user('frank') })
        .expect(409);
      expect(refused.body).toEqual(TOO_MANY);
      const replaced = setCookies(refused).filter((c) => c.startsWith('sid='));
      expect(replaced.every((c) => c.startsWith(`${anonymous};`))).toBe(true);

      const peek = await on(refusing).get('/peek').set('Cookie', anonymous).expect(200);
      expect(peek.body).toEqual({ isNew: false, userId: null, note: 'before sign-in' });
      await me(refusing, first);
      await me(refusing, second);
      expect(await kit.countLive(user('frank'))).toBe(2);

      // another user signs in from the same client, keeping its data
      const other = await signIn(refusing, user('grace'), { cookie: anonymous });
      const signedIn = await on(refusing).get('/peek').set('Cookie', other).expect(200);
      expect(signedIn.body).toEqual({
        isNew: false,
        userId: user('grace'),
        note: 'before sign-in',
      });
      // once one of the user's sessions signs out, the user can sign in again
      await on(refusing).post('/logout').set('Cookie', first).expect(204);
      await me(refusing, await signIn(refusing, user('frank')));
      expect(await kit.countLive(user('frank'))).toBe(2);
    });
  });
});

describe.each(ADAPTERS)('maxSessionsPerUser checked at boot (%s)', (adapter) => {
  it('fails with SessionStoreCapabilityError on the cookie store', async () => {
    const store = new CookieSessionStore({ secret: POLICY_SECRET });
    const error = await bootError(
      createPolicyApp(adapter, store, { maxSessionsPerUser: REVOKE_OLDEST }),
    );
    expect(error).toBeInstanceOf(SessionStoreCapabilityError);
    expect(error.message).toMatch(/`maxSessionsPerUser` needs a store that lists/);
    expect(error.message).toContain('CookieSessionStore');
  });

  it.each<[string, unknown, RegExp]>([
    ['max 0', { max: 0, whenExceeded: 'refuse' }, /`maxSessionsPerUser\.max` must be a whole/],
    ['max 1.5', { max: 1.5, whenExceeded: 'refuse' }, /`maxSessionsPerUser\.max` must be a whole/],
    [
      'an unknown whenExceeded',
      { max: 2, whenExceeded: 'wait' },
      /`maxSessionsPerUser\.whenExceeded` must be 'revoke-oldest' or 'refuse'/,
    ],
    ['a number', 3, /`maxSessionsPerUser` must be an object/],
  ])('fails with %s, naming the option', async (_, maxSessionsPerUser, message) => {
    const options = { maxSessionsPerUser } as Pick<SessionModuleOptions, 'maxSessionsPerUser'>;
    const error = await bootError(createPolicyApp(adapter, new MemorySessionStore(), options));
    expect(error.message).toMatch(/invalid SessionModule options/);
    expect(error.message).toMatch(message);
  });
});

// ---- several instances racing ------------------------------------------------------------

const CONCURRENT_MAX = 3;
const CLIENTS = 12;
const ROUNDS = 4;
const INSTANCES = 3;
const sharedKits = kits.filter(([name]) => name !== 'memory');

/** Totals over the file, reported once at the end. */
const figures = { signIns: 0, admitted: 0, refused: 0 };
afterAll(() => {
  console.info(
    `maxSessionsPerUser race: ${figures.signIns} concurrent sign-ins over ${INSTANCES} ` +
      `instances, ${figures.admitted} admitted, ${figures.refused} refused`,
  );
});

describe.each(sharedKits)('concurrent sign-ins of one user on %s', (_, makeKit) => {
  let kit: StoreKit;

  beforeAll(async () => {
    kit = await makeKit();
  });

  afterAll(() => kit.close());

  describe.each(ADAPTERS)('over 3 instances (%s)', (adapter: AdapterName) => {
    describe.each(['revoke-oldest', 'refuse'] as const)('whenExceeded: %s', (whenExceeded) => {
      const apps: INestApplication[] = [];
      const urls: string[] = [];

      beforeAll(async () => {
        while (apps.length < INSTANCES) {
          const app = await createPolicyApp(adapter, await kit.open(), {
            maxSessionsPerUser: { max: CONCURRENT_MAX, whenExceeded },
          });
          apps.push(app);
          await app.listen(0, '127.0.0.1');
          const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
          urls.push(`http://127.0.0.1:${port}`);
        }
      });

      afterAll(async () => {
        await Promise.all(apps.map((app) => app.close()));
      });

      it(`leaves at most ${CONCURRENT_MAX} live sessions, exactly those whose cookies work`, async () => {
        for (const round of range(ROUNDS)) {
          const userId = `race-${adapter}-${whenExceeded}-${round}`;
          const responses = await Promise.all(
            range(CLIENTS).map((i) =>
              request(urls[i % INSTANCES])
                .post('/login')
                .send({ userId }),
            ),
          );
          const statuses = responses.map((res) => res.status);
          const admitted = responses.filter((res) => res.status === 200);
          figures.signIns += CLIENTS;
          figures.admitted += admitted.length;
          figures.refused += statuses.filter((status) => status === 409).length;

          if (whenExceeded === 'revoke-oldest') {
            expect(statuses).toEqual(range(CLIENTS).map(() => 200));
          } else {
            expect(statuses.filter((status) => status === 200)).toHaveLength(CONCURRENT_MAX);
            expect(statuses.filter((status) => status === 409)).toHaveLength(
              CLIENTS - CONCURRENT_MAX,
            );
            for (const res of responses.filter((r) => r.status === 409)) {
              expect(res.body).toEqual({
                statusCode: 409,
                error: 'TooManySessions',
                message: expect.stringContaining(`on ${CONCURRENT_MAX} devices`),
              });
            }
          }

          expect(await kit.countLive(userId)).toBe(CONCURRENT_MAX);
          const listed = await apps[round % INSTANCES].get(SessionService).listForUser(userId);
          expect(listed).toHaveLength(CONCURRENT_MAX);

          // every returned cookie, tried on another instance than the one that set it
          const working = await workingSessions(admitted, (i) => urls[(i + 1) % INSTANCES]);
          expect(working).toHaveLength(CONCURRENT_MAX);
          expect(idsOf(working)).toEqual(idsOf(listed));
        }
      });
    });
  });
});

/** The sessions (`GET /me` bodies) of the responses' cookies that still work. */
async function workingSessions(
  responses: Response[],
  urlFor: (index: number) => string,
): Promise<{ id: string }[]> {
  const answers = await Promise.all(
    responses.map((res, i) => {
      const cookie = cookieFrom(res);
      if (cookie === undefined) throw new Error('an admitted sign-in set no session cookie');
      return request(urlFor(i)).get('/me').set('Cookie', cookie);
    }),
  );
  for (const answer of answers) expect([200, 401]).toContain(answer.status);
  return answers.filter((a) => a.status === 200).map((a) => a.body as { id: string });
}
