import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { Response } from 'supertest';
import { AppModule } from '../sample/app.module.js';
import { createTestSchema } from './support/database.js';
import type { TestSchema } from './support/database.js';
import { ADAPTERS, cookieFrom, createHttpApp, setCookies } from './support/http-app.js';

const sessionSecret = 'sample-e2e-secret-'.padEnd(48, 'x');
const alice = { username: 'alice', password: 'wonderland-123' };
const bob = { username: 'bob', password: 'builder-456' };
const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';

/** The CSRF token of the first form on a page. */
function csrfOf(html: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  expect(token).toBeDefined();
  return token!;
}

/** The session ids listed on a devices page, and which one is "this device". */
function devicesOf(html: string): { ids: string[]; current: string[] } {
  const rows = [...html.matchAll(/<tr class="(current)?" data-session-id="([^"]+)"/g)];
  return { ids: rows.map((r) => r[2]), current: rows.filter((r) => r[1]).map((r) => r[2]) };
}

describe.each(ADAPTERS)('the sample app over HTTP (%s)', (adapter) => {
  let schema: TestSchema;
  let app: INestApplication;

  beforeEach(async () => {
    schema = await createTestSchema();
    app = await createHttpApp(adapter, {
      imports: [
        AppModule.register({ databaseUrl: schema.url, schema: schema.name, sessionSecret }),
      ],
    });
  });
  afterEach(async () => {
    await app.close();
    await schema.drop();
  });

  /** A browser: keeps its cookie, asks for HTML, posts urlencoded forms. */
  class Visitor {
    cookie: string | undefined;
    constructor(private readonly userAgent = FIREFOX) {}

    async get(path: string): Promise<Response> {
      return this.keep(await this.prepare(request(app.getHttpServer()).get(path)));
    }

    async post(path: string, form: Record<string, string>): Promise<Response> {
      const req = this.prepare(request(app.getHttpServer()).post(path)).type('form').send(form);
      return this.keep(await req);
    }

    /** Opens `page` and posts `form` with that page's CSRF token, as a person would. */
    async submit(page: string, action: string, form: Record<string, string> = {}) {
      const { text } = await this.get(page);
      return this.post(action, { ...form, _csrf: csrfOf(text) });
    }

    async signIn(credentials: { username: string; password: string }): Promise<Response> {
      const res = await this.submit('/login', '/login', credentials);
      expect(res.status).toBe(303);
      return res;
    }

    private prepare(req: request.Test): request.Test {
      req.set('Accept', 'text/html').set('User-Agent', this.userAgent);
      return this.cookie === undefined ? req : req.set('Cookie', this.cookie);
    }

    private keep(res: Response): Response {
      const set = cookieFrom(res);
      if (set !== undefined) this.cookie = set === 'sid=' ? undefined : set;
      return res;
    }
  }

  it('serves a sign-in form carrying a CSRF token, on an HttpOnly, SameSite=Lax cookie', async () => {
    const res = await request(app.getHttpServer()).get('/login').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toMatch(/<form method="post" action="\/login">/);
    expect(csrfOf(res.text)).toMatch(/^[\w-]{43}$/);
    const [header] = setCookies(res);
    expect(header).toMatch(/^sid=.+; HttpOnly/i);
    expect(header).toMatch(/SameSite=Lax/i);
    expect(header).not.toMatch(/;\s*Secure/i); // plain http on loopback, as app.module.ts explains
  });

  it('signs in: 303 to the account page, a new cookie, a greeting and a flash shown once', async () => {
    const visitor = new Visitor();
    await visitor.get('/login');
    const anonymous = visitor.cookie;
    const res = await visitor.signIn(alice);
    expect(res.headers.location).toBe('/account');
    expect(visitor.cookie).toBeDefined();
    expect(visitor.cookie).not.toBe(anonymous); // new token at sign-in: no session fixation

    const account = await visitor.get('/account');
    expect(account.status).toBe(200);
    expect(account.text).toContain('<h1>Hello, alice</h1>');
    expect(account.text).toContain('Welcome, alice. You are signed in.');
    expect((await visitor.get('/account')).text).not.toContain('Welcome, alice.');

    const stale = new Visitor();
    stale.cookie = anonymous;
    expect((await stale.get('/account')).status).toBe(303);
  });

  it('answers a wrong password or an unknown user with the form again, not signed in', async () => {
    for (const credentials of [
      { ...alice, password: 'wrong' },
      { username: 'mallory', password: 'x' },
    ]) {
      const visitor = new Visitor();
      const res = await visitor.submit('/login', '/login', credentials);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/login');
      const again = await visitor.get('/login');
      expect(again.text).toContain('Wrong username or password.');
      expect(again.text).toContain(`value="${credentials.username}"`);
      expect((await visitor.get('/account')).headers.location).toBe('/login');
    }
  });

  it('answers a malformed sign-in form with 400 and a page saying why, not JSON', async () => {
    const visitor = new Visitor();
    for (const [form, reason] of [
      [{ username: 'alice' }, 'Enter your password.'],
      [{ ...alice, admin: 'yes' }, 'property admin should not exist'],
    ] as const) {
      const res = await visitor.submit('/login', '/login', form);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toContain('<h1>Form not accepted</h1>');
      expect(res.text).toContain(`<li>${reason}</li>`);
      expect(res.text).toContain('<a href="/login">Back to the sign-in form</a>');
    }
  });

  it('sends a browser without a session to /login (303), and answers others 401', async () => {
    const res = await new Visitor().get('/devices');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login');
    await request(app.getHttpServer())
      .get('/account')
      .set('Accept', 'application/json')
      .expect(401);
  });

  it('lists the user’s devices with browser and IP, this one marked, no one else’s', async () => {
    const first = new Visitor();
    const second = new Visitor(
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
    );
    await first.signIn(alice);
    await second.signIn(alice);
    await new Visitor().signIn(bob);

    const page = (await second.get('/devices')).text;
    const listed = devicesOf(page);
    expect(listed.ids).toHaveLength(2);
    expect(listed.current).toHaveLength(1);
    expect(devicesOf((await first.get('/devices')).text).current).not.toEqual(listed.current);
    expect(page).toContain('Firefox on Windows');
    expect(page).toContain('Safari on macOS');
    expect(page).toMatch(/<td>(127\.0\.0\.1|::1)<\/td>/);
    expect(page).toContain('this device');
  });

  it('"Sign out everywhere else" ends the other session, not this one nor bob’s', async () => {
    const [first, second, bobs] = [new Visitor(), new Visitor(), new Visitor()];
    await first.signIn(alice);
    await second.signIn(alice);
    await bobs.signIn(bob);

    const res = await first.submit('/devices', '/devices/revoke-others');
    expect(res.headers.location).toBe('/devices');
    expect((await first.get('/devices')).text).toContain('Signed out 1 other session.');
    expect((await second.get('/account')).headers.location).toBe('/login');
    expect((await first.get('/account')).status).toBe(200);
    expect((await bobs.get('/account')).status).toBe(200);
  });

  it('revokes one of the user’s own sessions by id, and 404 for anyone else’s', async () => {
    const [first, second, bobs] = [new Visitor(), new Visitor(), new Visitor()];
    await first.signIn(alice);
    await second.signIn(alice);
    await bobs.signIn(bob);
    const secondId = devicesOf((await second.get('/devices')).text).current[0];
    const bobsId = devicesOf((await bobs.get('/devices')).text).current[0];

    expect((await first.submit('/devices', `/devices/${bobsId}/revoke`)).status).toBe(404);
    expect((await bobs.get('/account')).status).toBe(200);
    const res = await first.submit('/devices', `/devices/${secondId}/revoke`);
    expect(res.headers.location).toBe('/devices');
    expect((await first.get('/devices')).text).toContain('Signed out Firefox on Windows');
    expect((await second.get('/account')).headers.location).toBe('/login');
    expect((await first.get('/account')).status).toBe(200);
  });

  it('signs out: the cookie is cleared, the old one stops working', async () => {
    const visitor = new Visitor();
    await visitor.signIn(alice);
    const cookie = visitor.cookie;
    const res = await visitor.submit('/account', '/logout');
    expect(res.headers.location).toBe('/login?signed-out');
    expect(setCookies(res)).toEqual([expect.stringMatching(/^sid=;/)]);
    const stale = new Visitor();
    stale.cookie = cookie;
    expect((await stale.get('/account')).headers.location).toBe('/login');
  });

  it('refuses every form posted without its CSRF token (403), changing nothing', async () => {
    const [visitor, other] = [new Visitor(), new Visitor()];
    await visitor.signIn(alice);
    await other.signIn(alice);
    const otherId = devicesOf((await other.get('/devices')).text).current[0];
    const forged = [
      ['/login', bob],
      ['/logout', {}],
      ['/devices/revoke-others', {}],
      [`/devices/${otherId}/revoke`, {}],
    ] as const;
    for (const [action, form] of forged) {
      expect((await visitor.post(action, { ...form })).status).toBe(403);
      expect((await visitor.post(action, { ...form, _csrf: 'forged' })).status).toBe(403);
    }
    expect((await visitor.get('/account')).text).toContain('Hello, alice');
    expect((await other.get('/account')).status).toBe(200);
  });

  it('serves GraphQL at /graphql on the same session: me needs one, setTheme its CSRF token', async () => {
    /** POSTs one operation as JSON, with `visitor`'s cookie and extra headers. */
    const graphql = (visitor: Visitor, query: string, headers: Record<string, string> = {}) => {
      const req = request(app.getHttpServer()).post('/graphql').send({ query }).set(headers);
      return visitor.cookie === undefined ? req : req.set('Cookie', visitor.cookie);
    };
    const me = '{ me { userId username theme } }';
    const setDark = 'mutation { setTheme(value: dark) }';

    const anonymous = await graphql(new Visitor(), me).expect(200);
    expect(anonymous.body).toEqual({
      data: null,
      errors: [
        expect.objectContaining({
          message: 'Sign-in required.',
          extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }),
        }),
      ],
    });

    const visitor = new Visitor();
    await visitor.signIn(alice);
    expect((await graphql(visitor, me).expect(200)).body).toEqual({
      data: { me: { userId: 'user-1', username: 'alice', theme: 'light' } },
    });

    const csrf = csrfOf((await visitor.get('/account')).text); // the page renders the token
    const forged = await graphql(visitor, setDark, { 'x-csrf-token': 'forged' }).expect(200);
    expect(forged.body.data).toBeNull();
    expect(forged.body.errors[0].message).toMatch(/^CSRF check failed: the CSRF token does not/);
    const missing = await graphql(visitor, setDark).expect(200);
    expect(missing.body.errors[0].message).toMatch(/^CSRF check failed: no CSRF token/);
    expect((await graphql(visitor, me)).body.data.me.theme).toBe('light');

    const changed = await graphql(visitor, setDark, { 'x-csrf-token': csrf }).expect(200);
    expect(changed.body).toEqual({ data: { setTheme: 'dark' } });
    expect((await graphql(visitor, me)).body.data.me.theme).toBe('dark');
    expect((await visitor.get('/account')).text).toMatch(/<dd>\s*dark\b/); // the page sees it
    expect((await graphql(new Visitor(), setDark, { 'x-csrf-token': csrf })).body.errors).toEqual([
      expect.objectContaining({
        message: 'Sign-in required.',
        extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }),
      }),
    ]);
  });

  it('gives the signed-in pages their socket script, allowed by their CSP; no other page', async () => {
    const visitor = new Visitor();
    const signInPage = await visitor.get('/login');
    expect(signInPage.headers['content-security-policy']).not.toContain('script-src');
    expect(signInPage.text).not.toContain('<script');
    await visitor.signIn(alice);
    for (const path of ['/account', '/devices']) {
      const page = await visitor.get(path);
      expect(page.headers['content-security-policy']).toContain("script-src 'self'");
      expect(page.headers['content-security-policy']).toContain("connect-src 'self'");
      expect(page.text).toContain('<script src="/socket.io/socket.io.js" defer></script>');
      expect(page.text).toContain('<script src="/live-session.js" defer></script>');
    }
    for (const script of ['/socket.io/socket.io.js', '/live-session.js']) {
      const res = await request(app.getHttpServer()).get(script).expect(200);
      expect(res.headers['content-type']).toMatch(/^(application|text)\/javascript/);
    }
    const elsewhere = await new Visitor().get('/login?signed-out=elsewhere');
    expect(elsewhere.text).toContain('You were signed out from another device.');
  });

  it('escapes what users type: a hostile username comes back as text, not markup', async () => {
    const hostile = '"><script>alert(1)</script>';
    const visitor = new Visitor();
    await visitor.submit('/login', '/login', { username: hostile, password: 'x' });
    const form = (await visitor.get('/login')).text;
    expect(form).not.toContain('<script>');
    expect(form).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
  });
});
