import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { SessionService } from '../lib/index.js';
import { AppModule } from '../sample/app.module.js';
import { AUDIT_ENTRIES_PER_USER } from '../sample/audit-log.service.js';
import { POLICY_WORDS } from '../sample/session-policies.constants.js';
import { ageSessions } from './browser/sample.server.js';
import { createTestSchema } from './support/database.js';
import type { TestSchema } from './support/database.js';
import { ADAPTERS, cookieFrom, createHttpApp, setCookies } from './support/http-app.js';

const sessionSecret = 'sample-e2e-secret-'.padEnd(48, 'x');
const alice = { username: 'alice', password: 'wonderland-123' };
const bob = { username: 'bob', password: 'builder-456' };
const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';
const MINUTE = 60_000;
/** Where `@RequireFreshAuth` sends a browser whose sign-in is too old for the Security page. */
const REAUTH_SECURITY = '/login?reauth=1&next=%2Fsecurity';

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

/** The Security page's log, newest first: each row's event, text and short session id. */
function auditOf(html: string): { event: string; text: string; id: string }[] {
  const rows = html.matchAll(
    /<tr data-event="([^"]+)">\s*<td class="time">[^<]*<\/td>\s*<td>([^<]*)<\/td>\s*<td><code>([^<]*)<\/code>/g,
  );
  return [...rows].map(([, event, text, id]) => ({ event, text, id }));
}

/** The `Max-Age` of the session cookie a response sets, in seconds. */
function cookieMaxAge(res: Response): number {
  const header = setCookies(res).find((c) => c.startsWith('sid='));
  const maxAge = /;\s*Max-Age=(\d+)/i.exec(header ?? '')?.[1];
  expect(maxAge).toBeDefined();
  return Number(maxAge);
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

    async signIn(credentials: {
      username: string;
      password: string;
      rememberMe?: 'yes';
    }): Promise<Response> {
      const res = await this.submit('/login', '/login', credentials);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/account');
      return res;
    }

    /** This visitor's session id, as "this device" on the devices page. */
    async sessionId(): Promise<string> {
      const [id] = devicesOf((await this.get('/devices')).text).current;
      expect(id).toBeDefined();
      return id;
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
      ['/login/confirm', { password: alice.password, next: '/security' }],
      ['/security', {}],
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
    for (const path of ['/account', '/devices', '/security']) {
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

  it('serves /health through terminus: 200 with the session store up, 503 once it is gone', async () => {
    const up = await request(app.getHttpServer()).get('/health').expect(200);
    expect(up.body).toEqual({
      status: 'ok',
      info: { sessionStore: { status: 'up' } },
      error: {},
      details: { sessionStore: { status: 'up' } },
    });

    await app.get(DataSource).destroy(); // the pool closed: every store call now fails
    const down = await request(app.getHttpServer()).get('/health').expect(503);
    expect(down.body).toMatchObject({
      status: 'error',
      error: { sessionStore: { status: 'down', message: expect.any(String) } },
    });
  });

  it('keeps a session signed in with "Keep me signed in" for 30 days, not 30 minutes', async () => {
    const [plain, remembered] = [new Visitor(), new Visitor()];
    const plainMaxAge = cookieMaxAge(await plain.signIn(alice));
    const rememberedMaxAge = cookieMaxAge(await remembered.signIn({ ...bob, rememberMe: 'yes' }));
    expect(plainMaxAge).toBeGreaterThan(29 * 60);
    expect(plainMaxAge).toBeLessThanOrEqual(30 * 60);
    expect(rememberedMaxAge).toBeGreaterThan(29 * 24 * 60 * 60);
    expect(rememberedMaxAge).toBeLessThanOrEqual(30 * 24 * 60 * 60);
    expect((await remembered.get('/login')).text).toContain('Keep me signed in');

    // An hour unused: past the plain session's 30 minutes, well within the remembered 30 days.
    expect(await ageSessions(app, 60 * MINUTE, { userId: 'user-1' })).toBe(1);
    expect(await ageSessions(app, 60 * MINUTE, { userId: 'user-2' })).toBe(1);
    expect((await plain.get('/account')).headers.location).toBe('/login');
    const account = await remembered.get('/account');
    expect(account.status).toBe(200);
    expect(account.text).toContain('<h1>Hello, bob</h1>');
    expect(cookieMaxAge(account)).toBeGreaterThan(29 * 24 * 60 * 60); // each visit extends it
  });

  it('asks for the password again on the Security page once the sign-in is 5 minutes old', async () => {
    const visitor = new Visitor();
    await visitor.signIn(alice);
    const fresh = await visitor.get('/security');
    expect(fresh.status).toBe(200);
    expect(fresh.text).toContain('<h1>Security</h1>');

    await ageSessions(app, 6 * MINUTE, { userId: 'user-1' });
    const stale = await visitor.get('/security');
    expect(stale.status).toBe(303);
    expect(stale.headers.location).toBe(REAUTH_SECURITY);
    const asked = await visitor.get(REAUTH_SECURITY);
    expect(asked.text).toContain('<h1>Confirm your password</h1>');
    expect(asked.text).toContain('<strong>alice</strong>');
    expect(asked.text).toContain('<input type="hidden" name="next" value="/security" />');

    const wrong = await visitor.submit(REAUTH_SECURITY, '/login/confirm', {
      password: bob.password,
      next: '/security',
    });
    expect(wrong.headers.location).toBe(REAUTH_SECURITY);
    expect((await visitor.get(REAUTH_SECURITY)).text).toContain('That is not your password.');
    expect((await visitor.get('/security')).headers.location).toBe(REAUTH_SECURITY);

    const before = visitor.cookie;
    const right = await visitor.submit(REAUTH_SECURITY, '/login/confirm', {
      password: alice.password,
      next: '/security',
    });
    expect(right.status).toBe(303);
    expect(right.headers.location).toBe('/security');
    expect(visitor.cookie).not.toBe(before); // a new token, as at sign-in
    const page = await visitor.get('/security');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h1>Security</h1>');
    const old = new Visitor();
    old.cookie = before;
    expect((await old.get('/account')).headers.location).toBe('/login');
  });

  it('never follows a `next` that leaves the site after the password is confirmed', async () => {
    const visitor = new Visitor();
    await visitor.signIn(alice);
    const hostile = [
      '//evil.example',
      'https://evil.example/',
      '/\\evil.example',
      '\\\\evil.example',
      '/\t/evil.example',
      'javascript:alert(1)',
      'security',
    ];
    for (const next of hostile) {
      const page = `/login?reauth=1&next=${encodeURIComponent(next)}`;
      expect((await visitor.get(page)).text).toContain('name="next" value="/account"');
      const res = await visitor.post('/login/confirm', {
        password: alice.password,
        next,
        _csrf: csrfOf((await visitor.get(page)).text),
      });
      expect([next, res.status, res.headers.location]).toEqual([next, 303, '/account']);
    }
    const local = await visitor.submit('/account', '/login/confirm', {
      password: alice.password,
      next: '/devices?from=security',
    });
    expect(local.headers.location).toBe('/devices?from=security'); // a path here is followed
  });

  it('signs out the oldest device when a 4th signs in (at most 3), no one else', async () => {
    const devices = [new Visitor(), new Visitor(), new Visitor(), new Visitor()];
    const bobs = new Visitor();
    await bobs.signIn(bob);
    for (const device of devices.slice(0, 3)) await device.signIn(alice);
    const oldest = await devices[0].sessionId();
    for (const device of devices.slice(0, 3)) {
      expect((await device.get('/account')).status).toBe(200);
    }

    await devices[3].signIn(alice);
    expect((await devices[0].get('/account')).headers.location).toBe('/login');
    for (const device of devices.slice(1)) expect((await device.get('/account')).status).toBe(200);
    expect((await bobs.get('/account')).status).toBe(200);

    const page = (await devices[3].get('/devices')).text;
    expect(devicesOf(page).ids).toHaveLength(3);
    expect(devicesOf(page).ids).not.toContain(oldest);
    expect(page).toContain(`You can be signed in on ${POLICY_WORDS.devices}.`);
    expect(auditOf((await devices[3].get('/security')).text)[1]).toEqual({
      event: 'session.revoked',
      text: `Signed out: ${POLICY_WORDS.tooManyDevices}`,
      id: oldest.slice(0, 8),
    });
  });

  it('lists the user’s session events on the Security page, newest first, with the reasons', async () => {
    const [a, b, c, d, e] = [
      new Visitor(),
      new Visitor(),
      new Visitor(),
      new Visitor(),
      new Visitor(),
    ];
    await a.signIn(alice);
    await b.signIn(alice);
    const ids = { a: await a.sessionId(), b: await b.sessionId() };
    await a.submit('/devices', `/devices/${ids.b}/revoke`); // revoked from "Your devices"
    await c.signIn(alice);
    const cId = await c.sessionId();
    await a.submit('/security', '/security'); // "Sign out everywhere else"
    expect((await a.get('/security')).text).toContain('Signed out 1 other session.');
    await d.signIn(alice);
    const dId = await d.sessionId();
    await d.submit('/account', '/logout');
    await e.signIn(alice);
    const eId = await e.sessionId();
    await new Visitor().signIn(bob); // someone else's: not in alice's log
    expect(await ageSessions(app, 31 * MINUTE, { id: eId })).toBe(1); // unused past 30 minutes
    expect(await app.get(SessionService).deleteExpired()).toBe(1);

    const short = (id: string) => id.slice(0, 8);
    expect(auditOf((await a.get('/security')).text)).toEqual([
      { event: 'session.expired', text: 'Expired, unused for too long', id: short(eId) },
      { event: 'session.signedIn', text: 'Signed in', id: short(eId) },
      { event: 'session.signedOut', text: 'Signed out', id: short(dId) },
      { event: 'session.signedIn', text: 'Signed in', id: short(dId) },
      {
        event: 'session.revoked',
        text: 'Signed out by “Sign out everywhere else”',
        id: short(cId),
      },
      { event: 'session.signedIn', text: 'Signed in', id: short(cId) },
      { event: 'session.revoked', text: 'Signed out from “Your devices”', id: short(ids.b) },
      { event: 'session.signedIn', text: 'Signed in', id: short(ids.b) },
      { event: 'session.signedIn', text: 'Signed in', id: short(ids.a) },
    ]);
  });

  it(`keeps the last ${AUDIT_ENTRIES_PER_USER} events of a user, dropping older ones`, async () => {
    const first = new Visitor();
    await first.signIn(alice);
    const firstId = await first.sessionId();
    // 11 more sign-ins: 12 "signed in" and, past the 3-device limit, 9 "signed out" events.
    let last = first;
    for (let i = 0; i < 11; i++) {
      last = new Visitor();
      await last.signIn(alice);
    }
    const log = auditOf((await last.get('/security')).text);
    expect(log).toHaveLength(AUDIT_ENTRIES_PER_USER);
    expect(log.filter((entry) => entry.event === 'session.revoked')).toHaveLength(9);
    expect(log.filter((entry) => entry.event === 'session.signedIn')).toHaveLength(11);
    // The oldest event, the first sign-in, is the one dropped; its revocation is still there.
    expect(log.filter((entry) => entry.id === firstId.slice(0, 8))).toEqual([
      expect.objectContaining({ event: 'session.revoked' }),
    ]);
  });
});
