import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { MemorySessionStore } from '../../lib/index.js';
import type { SessionModuleOptions } from '../../lib/index.js';
import { ADAPTERS, cookieFrom } from '../support/http-app.js';
import type { AdapterName } from '../support/http-app.js';
import {
  bootError,
  createPolicyApp,
  expiresOf,
  maxAgeOf,
  me,
  on,
  signIn,
  sleep,
} from './policy-app.factory.js';
import { storeKits } from './policy-stores.kit.js';
import type { StoreKit } from './policy-stores.kit.js';

const IDLE_MS = 2_000;
const REMEMBERED_IDLE_MS = 3_600_000;
/** Past the module's idleTimeout, well within rememberMe's. */
const PAST_IDLE_MS = 2_600;

const OPTIONS = {
  idleTimeout: '2s',
  rememberMe: { idleTimeout: '1h', absoluteTimeout: '30d' },
} satisfies Omit<SessionModuleOptions, 'secret' | 'store'>;

const kits = await storeKits('remember me');

describe.each(kits)('remember me on %s', (_, makeKit) => {
  let kit: StoreKit;

  beforeAll(async () => {
    kit = await makeKit();
  });

  afterAll(() => kit.close());

  describe.each(ADAPTERS)('(%s)', (adapter: AdapterName) => {
    let app: INestApplication;
    const user = (name: string) => `${name}-${adapter}`;

    beforeAll(async () => {
      app = await createPolicyApp(adapter, await kit.open(), OPTIONS);
    });

    afterAll(() => app.close());

    it("gives a plain sign-in the module's idleTimeout: cookie Max-Age, Expires and expiresAt", async () => {
      const before = Date.now();
      const res = await on(app)
        .post('/login')
        .send({ userId: user('plain') })
        .expect(200);
      const session = await me(app, cookieFrom(res)!);
      const after = Date.now();
      expect(maxAgeOf(res)).toBeGreaterThanOrEqual(1);
      expect(maxAgeOf(res)).toBeLessThanOrEqual(IDLE_MS / 1000);
      expect(expiresOf(res)).toBeGreaterThan(before + IDLE_MS - 1_000); // Expires is in whole seconds
      expect(expiresOf(res)).toBeLessThanOrEqual(after + IDLE_MS);
      const expiresAt = Date.parse(session.expiresAt);
      expect(expiresAt).toBeGreaterThanOrEqual(before + IDLE_MS);
      expect(expiresAt).toBeLessThanOrEqual(after + IDLE_MS);
    });

    it("gives a remembered sign-in rememberMe's idleTimeout: cookie Max-Age, Expires and expiresAt", async () => {
      const before = Date.now();
      const res = await on(app)
        .post('/login')
        .send({ userId: user('remembered'), rememberMe: true })
        .expect(200);
      const session = await me(app, cookieFrom(res)!);
      const after = Date.now();
      expect(maxAgeOf(res)).toBeGreaterThan(REMEMBERED_IDLE_MS / 1000 - 60);
      expect(maxAgeOf(res)).toBeLessThanOrEqual(REMEMBERED_IDLE_MS / 1000);
      expect(expiresOf(res)).toBeGreaterThan(before + REMEMBERED_IDLE_MS - 1_000);
      expect(expiresOf(res)).toBeLessThanOrEqual(after + REMEMBERED_IDLE_MS);
      const expiresAt = Date.parse(session.expiresAt);
      expect(expiresAt).toBeGreaterThanOrEqual(before + REMEMBERED_IDLE_MS);
      expect(expiresAt).toBeLessThanOrEqual(after + REMEMBERED_IDLE_MS);
    });

    it('keeps a remembered session signed in past idleTimeout, and a plain (or downgraded) one not', async () => {
      const plain = await signIn(app, user('p'));
      const remembered = await signIn(app, user('r'), { rememberMe: true });
      // a remembered session signed in again without rememberMe drops back to the module's timeouts
      const before = Date.now();
      const downgradedRes = await on(app)
        .post('/login')
        .set('Cookie', await signIn(app, user('d'), { rememberMe: true }))
        .send({ userId: user('d') })
        .expect(200);
      const downgraded = cookieFrom(downgradedRes)!;
      expect(maxAgeOf(downgradedRes)).toBeLessThanOrEqual(IDLE_MS / 1000);
      const expiresAt = Date.parse((await me(app, downgraded)).expiresAt);
      expect(expiresAt).toBeGreaterThanOrEqual(before + IDLE_MS);
      expect(expiresAt).toBeLessThanOrEqual(Date.now() + IDLE_MS);
      expect(await kit.countLive(user('r'))).toBe(1);

      await sleep(PAST_IDLE_MS);

      await on(app).get('/me').set('Cookie', plain).expect(401);
      await on(app).get('/me').set('Cookie', downgraded).expect(401);
      const still = await on(app).get('/me').set('Cookie', remembered).expect(200);
      expect(still.body).toMatchObject({ userId: user('r') });
      // the touch of a remembered session sends its cookie again, with rememberMe's lifetime
      const touched = Date.now();
      expect(maxAgeOf(still)).toBeGreaterThan(REMEMBERED_IDLE_MS / 1000 - 60);
      expect(Date.parse((still.body as { expiresAt: string }).expiresAt)).toBeGreaterThan(
        touched + REMEMBERED_IDLE_MS - 60_000,
      );
      expect(await kit.countLive(user('r'))).toBe(1);
      expect(await kit.countLive(user('p'))).toBe(0);
    });

    it('answers 500 naming the option for signIn({ rememberMe: true }) when rememberMe is unset', async () => {
      const bare = await createPolicyApp(adapter, await kit.open(), { idleTimeout: '2s' });
      try {
        const res = await on(bare)
          .post('/login')
          .send({ userId: user('unconfigured'), rememberMe: true })
          .expect(500);
        expect((res.body as { message: string }).message).toContain(
          'signIn(session, userId, { rememberMe: true }) needs the `rememberMe` option',
        );
        expect(await kit.countLive(user('unconfigured'))).toBe(0);
        // the same app signs in without rememberMe
        await me(bare, await signIn(bare, user('unconfigured')));
      } finally {
        await bare.close();
      }
    });
  });
});

describe.each(ADAPTERS)('rememberMe options checked at boot (%s)', (adapter) => {
  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'an idleTimeout shorter than the module one',
      { idleTimeout: '2h', rememberMe: { idleTimeout: '1h', absoluteTimeout: '30d' } },
      /`rememberMe\.idleTimeout` must not be shorter than `idleTimeout`/,
    ],
    [
      'an absoluteTimeout shorter than the module one',
      { absoluteTimeout: '7d', rememberMe: { idleTimeout: '1h', absoluteTimeout: '1d' } },
      /`rememberMe\.absoluteTimeout` must not be shorter than `absoluteTimeout`/,
    ],
    [
      'an idleTimeout longer than its absoluteTimeout',
      { rememberMe: { idleTimeout: '60d', absoluteTimeout: '30d' } },
      /`rememberMe\.idleTimeout` must not be longer than `rememberMe\.absoluteTimeout`/,
    ],
    ['a string', { rememberMe: '30d' }, /`rememberMe` must be an object/],
    ['true', { rememberMe: true }, /`rememberMe` must be an object/],
    ['an array', { rememberMe: ['30d', '90d'] }, /`rememberMe` must be an object/],
    [
      'a bad duration',
      { rememberMe: { idleTimeout: 'forever', absoluteTimeout: '90d' } },
      /`rememberMe\.idleTimeout` must be a positive number of milliseconds/,
    ],
    [
      'a missing absoluteTimeout',
      { rememberMe: { idleTimeout: '30d' } },
      /`rememberMe\.absoluteTimeout` must be a positive number of milliseconds/,
    ],
    [
      'an unknown key',
      { rememberMe: { idleTimeout: '30d', absoluteTimeout: '90d', sliding: true } },
      /`rememberMe\.sliding` is not a SessionModule option/,
    ],
  ])('fails with %s, naming the option', async (_, options, message) => {
    const error = await bootError(createPolicyApp(adapter, new MemorySessionStore(), options));
    expect(error.message).toMatch(/invalid SessionModule options/);
    expect(error.message).toMatch(message);
  });
});
