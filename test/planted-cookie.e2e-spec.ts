import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { CookieSessionStore, MemorySessionStore, SessionModule } from '../lib/index.js';
import type { SessionStore } from '../lib/index.js';
import { SessionTokenCodec } from '../lib/cookie/session-token.codec.js';
import { AccountController } from './fixtures/account.controller.js';
import { ADAPTERS, cookieFrom, createHttpApp, setCookies } from './support/http-app.js';

const secret = 'p'.repeat(32);
const attackerSecret = 'q'.repeat(32);

/** `sid=<value>` signed with a key the app does not know, shaped exactly like a real cookie. */
function forgedCookie(name = 'sid'): string {
  const codec = new SessionTokenCodec([attackerSecret]);
  return `${name}=${codec.sign(codec.generate())}`;
}

const STORES: [string, () => SessionStore][] = [
  ['signed token, memory store', () => new MemorySessionStore()],
  ['sealed cookie store', () => new CookieSessionStore({ secret: 'k'.repeat(32) })],
];

describe.each(ADAPTERS)('several cookies with the session name (%s)', (adapter) => {
  describe.each(STORES)('%s', (_, makeStore) => {
    let app: INestApplication;
    const http = () => request(app.getHttpServer());

    beforeAll(async () => {
      app = await createHttpApp(adapter, {
        imports: [SessionModule.forRoot({ secret, store: makeStore(), cleanup: false })],
        controllers: [AccountController],
      });
    });
    afterAll(() => app.close());

    it.each([
      ['before', (ours: string, planted: string) => `${planted}; ${ours}`],
      ['after', (ours: string, planted: string) => `${ours}; ${planted}`],
      ['around', (ours: string, planted: string) => `${planted}; theme=x; ${ours}; ${planted}`],
    ])('uses the cookie that verifies when a planted one is %s it', async (_, header) => {
      const ours = cookieFrom(await http().post('/login').send({ userId: 'victim' }).expect(200))!;
      for (const planted of [forgedCookie(), 'sid=garbage', 'sid=']) {
        const me = await http().get('/me').set('Cookie', header(ours, planted)).expect(200);
        expect(me.body.userId).toBe('victim');
      }
    });

    it('treats a request whose every cookie of that name fails as anonymous', async () => {
      const res = await http()
        .get('/me')
        .set('Cookie', `${forgedCookie()}; sid=garbage`)
        .expect(401);
      expect(setCookies(res)).toEqual([]);
    });
  });
});

describe.each(ADAPTERS)('a __Host- cookie name (%s)', (adapter) => {
  it('is set secure, host-only, on path /', async () => {
    const app = await createHttpApp(adapter, {
      imports: [
        SessionModule.forRoot({
          secret,
          store: new MemorySessionStore(),
          cookie: { name: '__Host-sid' },
          cleanup: false,
        }),
      ],
      controllers: [AccountController],
    });
    try {
      const login = await request(app.getHttpServer()).post('/login').send({ userId: 'u' });
      const [cookie] = setCookies(login);
      expect(cookie).toMatch(/^__Host-sid=/);
      expect(cookie).toMatch(/; Secure/i);
      expect(cookie).toMatch(/; Path=\//);
      expect(cookie).not.toMatch(/Domain=/i);
      const me = await request(app.getHttpServer())
        .get('/me')
        .set('Cookie', cookieFrom(login, '__Host-sid')!)
        .expect(200);
      expect(me.body.userId).toBe('u');
    } finally {
      await app.close();
    }
  });

  it.each([
    [{ name: '__Host-sid', secure: false }],
    [{ name: '__Host-sid', path: '/app' }],
    [{ name: '__Host-sid', domain: 'example.com' }],
  ])('refuses to boot with %j', async (cookie) => {
    await expect(
      createHttpApp(adapter, {
        imports: [SessionModule.forRoot({ secret, store: new MemorySessionStore(), cookie })],
        controllers: [AccountController],
      }),
    ).rejects.toThrow("starts with '__Host-'");
  });
});
