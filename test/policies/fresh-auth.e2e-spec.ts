import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { RequireFreshAuth } from '../../lib/index.js';
import type { Duration } from '../../lib/index.js';
import { FRESH_AUTH_MAX_AGE_MS } from '../fixtures/policies.controller.js';
import { ADAPTERS, cookieFrom } from '../support/http-app.js';
import type { AdapterName } from '../support/http-app.js';
import { createPolicyApp, me, on, signIn, sleep } from './policy-app.factory.js';
import { storeKits } from './policy-stores.kit.js';
import type { StoreKit } from './policy-stores.kit.js';

const STALE = { statusCode: 403, error: 'ReauthenticationRequired' };
const HTML = 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8';

const kits = await storeKits('@RequireFreshAuth');

describe.each(kits)('@RequireFreshAuth on %s', (_, makeKit) => {
  let kit: StoreKit;

  beforeAll(async () => {
    kit = await makeKit();
  });

  afterAll(() => kit.close());

  describe.each(ADAPTERS)('(%s)', (adapter: AdapterName) => {
    let app: INestApplication;
    const user = (name: string) => `${name}-${adapter}`;

    beforeAll(async () => {
      app = await createPolicyApp(adapter, await kit.open(), { loginPath: '/login' });
    });

    afterAll(() => app.close());

    it('lets a fresh sign-in through', async () => {
      const cookie = await signIn(app, user('fresh'));
      const res = await on(app).get('/security').set('Cookie', cookie).expect(200);
      expect(res.body).toEqual({ userId: user('fresh'), secure: true });
    });

    it('answers 401 to an anonymous client, and a browser 303 to loginPath', async () => {
      await on(app).get('/security').expect(401);
      const anonymous = cookieFrom(await on(app).post('/note').send({ note: 'n' }).expect(200))!;
      await on(app).get('/security').set('Cookie', anonymous).expect(401);
      const browser = await on(app).get('/security').set('Accept', HTML).expect(303);
      expect(browser.headers.location).toBe('/login');
      // signed out: anonymous again
      const cookie = await signIn(app, user('out'));
      await on(app).post('/logout').set('Cookie', cookie).expect(204);
      await on(app).get('/security').set('Cookie', cookie).expect(401);
    });

    it('refuses a sign-in older than maxAge until reauthenticate, which issues a new cookie', async () => {
      const stale = await signIn(app, user('stale'));
      await on(app).post('/note').set('Cookie', stale).send({ note: 'kept' }).expect(200);
      const signedIn = await me(app, stale);

      await sleep(FRESH_AUTH_MAX_AGE_MS + 400);

      const refused = await on(app).get('/security').set('Cookie', stale).expect(403);
      expect(refused.body).toEqual(STALE);
      const browser = await on(app)
        .get('/security?tab=1')
        .set('Cookie', stale)
        .set('Accept', HTML)
        .expect(303);
      expect(browser.headers.location).toBe('/login?reauth=1&next=%2Fsecurity%3Ftab%3D1');
      // only the step-up routes refuse: the session is still signed in
      expect((await me(app, stale)).userId).toBe(user('stale'));

      const before = Date.now();
      const reauth = await on(app).post('/reauth').set('Cookie', stale).expect(200);
      const fresh = cookieFrom(reauth)!;
      expect(fresh).toBeDefined();
      expect(fresh).not.toBe(stale);
      const { authenticatedAt } = reauth.body as { authenticatedAt: string };
      expect(Date.parse(authenticatedAt)).toBeGreaterThanOrEqual(before);
      expect(Date.parse(authenticatedAt)).toBeGreaterThan(Date.parse(signedIn.authenticatedAt!));

      await on(app).get('/me').set('Cookie', stale).expect(401);
      await on(app).get('/security').set('Cookie', stale).expect(401);
      const passed = await on(app).get('/security').set('Cookie', fresh).expect(200);
      expect(passed.body).toEqual({ userId: user('stale'), secure: true });
      const after = await me(app, fresh);
      expect(after).toMatchObject({
        userId: user('stale'),
        authenticatedAt,
        createdAt: signedIn.createdAt,
      });
      expect(after.id).not.toBe(signedIn.id);
      const peek = await on(app).get('/peek').set('Cookie', fresh).expect(200);
      expect(peek.body).toMatchObject({ note: 'kept' });
      expect(await kit.countLive(user('stale'))).toBe(1);
    });

    it('refuses reauthenticate on an anonymous session, changing nothing', async () => {
      const bare = await on(app).post('/reauth').expect(500);
      expect((bare.body as { message: string }).message).toContain(
        'reauthenticate(session) needs a signed-in session',
      );
      const anonymous = cookieFrom(await on(app).post('/note').send({ note: 'mine' }).expect(200))!;
      const refused = await on(app).post('/reauth').set('Cookie', anonymous).expect(500);
      expect((refused.body as { message: string }).message).toContain(
        'reauthenticate(session) needs a signed-in session',
      );
      const peek = await on(app).get('/peek').set('Cookie', anonymous).expect(200);
      expect(peek.body).toEqual({ isNew: false, userId: null, note: 'mine' });
    });
  });
});

describe('@RequireFreshAuth with a bad maxAge', () => {
  const onMethod = (maxAge: unknown) => () => {
    class Probe {
      @RequireFreshAuth(maxAge as Duration)
      handler() {
        return maxAge;
      }
    }
    return Probe;
  };
  const onClass = (maxAge: unknown) => () => {
    @RequireFreshAuth(maxAge as Duration)
    class Probe {}
    return Probe;
  };

  it.each<[unknown, string]>([
    ['nonsense', '"nonsense"'],
    ['10 minutes', '"10 minutes"'],
    ['', '""'],
    [0, '0'],
    [-1, '-1'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
    [undefined, 'undefined'],
  ])('throws a TypeError naming %p when the class is defined', (maxAge, shown) => {
    for (const define of [onMethod(maxAge), onClass(maxAge)]) {
      expect(define).toThrow(TypeError);
      expect(define).toThrow(`@RequireFreshAuth(${shown})`);
    }
  });

  it('accepts a good one', () => {
    expect(onMethod('10m')).not.toThrow();
    expect(onClass(60_000)).not.toThrow();
  });
});
