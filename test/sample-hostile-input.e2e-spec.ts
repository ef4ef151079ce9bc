import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { Response } from 'supertest';
import { AppModule } from '../sample/app.module.js';
import { createTestSchema } from './support/database.js';
import type { TestSchema } from './support/database.js';
import { ADAPTERS, cookieFrom, createHttpApp } from './support/http-app.js';

const sessionSecret = 'sample-hostile-input-secret-'.padEnd(48, 'x');
/** 100 KiB: past Express's default body limit (100 KB), within Fastify's (1 MB). */
const HUNDRED_KB = 'a'.repeat(102_400);

/**
 * What a script (never a browser) can post to the sample's sign-in form: control characters,
 * lone surrogates, invalid UTF-8, huge fields. Each must get a clear page — never a 5xx, and
 * never a session the store cannot hold.
 */
describe.each(ADAPTERS)('the sample app under hostile sign-in input (%s)', (adapter) => {
  let schema: TestSchema;
  let app: INestApplication;

  beforeAll(async () => {
    schema = await createTestSchema();
    app = await createHttpApp(adapter, {
      imports: [
        AppModule.register({ databaseUrl: schema.url, schema: schema.name, sessionSecret }),
      ],
    });
  });
  afterAll(async () => {
    await app.close();
    await schema.drop();
  });

  const http = () => request(app.getHttpServer());

  /** A visitor on the sign-in page: its cookie and the form's CSRF token. */
  async function onSignInPage(): Promise<{ cookie: string; csrf: string }> {
    const page = await http().get('/login').set('Accept', 'text/html').expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
    return { cookie: cookieFrom(page)!, csrf: csrf! };
  }

  /** Posts `/login` as a raw urlencoded body (`form` as written) or as JSON (an object). */
  async function postSignIn(body: string | Record<string, string>): Promise<{
    res: Response;
    cookie: string;
  }> {
    const { cookie, csrf } = await onSignInPage();
    const req = http().post('/login').set('Cookie', cookie).set('Accept', 'text/html');
    const res =
      typeof body === 'string'
        ? await req.type('form').send(`${body}&_csrf=${csrf}`)
        : await req.type('json').send(JSON.stringify({ ...body, _csrf: csrf }));
    return { res, cookie };
  }

  function expectFormErrorPage(res: Response, status: number, reason: string): void {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(res.text).toContain('<h1>Form not accepted</h1>');
    expect(res.text).toContain(`<li>${reason}</li>`);
    expect(res.text).toContain('<a href="/login">Back to the sign-in form</a>');
  }

  /** The visitor's session still works: the page renders, and alice can sign in with it. */
  async function expectSessionUsable(cookie: string): Promise<void> {
    const page = await http().get('/login').set('Cookie', cookie).set('Accept', 'text/html');
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('Wrong username or password.'); // nothing was flashed
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    await http()
      .post('/login')
      .set('Cookie', cookie)
      .type('form')
      .send({ username: 'alice', password: 'wonderland-123', _csrf: csrf })
      .expect(303)
      .expect('Location', '/account');
  }

  it.each([
    ['a NUL in a form field', 'username=mallory%00&password=x'],
    ['an escape character in a form field', 'username=%1B%5B31mred&password=x'],
    ['a NUL in a JSON body', { username: 'mallory\u0000', password: 'x' }],
    ['a lone surrogate in a JSON body', { username: 'mallory\ud800', password: 'x' }],
  ])('answers a username with %s with the "Form not accepted" page (400)', async (_, body) => {
    const { res, cookie } = await postSignIn(body);
    expectFormErrorPage(res, 400, 'Usernames cannot contain control or invalid characters.');
    await expectSessionUsable(cookie);
  });

  it.each([
    ['username', 'form'],
    ['username', 'JSON'],
    ['password', 'form'],
  ] as const)(
    'answers a 100 KB %s (%s) with a page: 413 past Express’s body limit, else 400',
    async (field, encoding) => {
      const fields = { username: 'mallory', password: 'x', [field]: HUNDRED_KB };
      const body = encoding === 'form' ? new URLSearchParams(fields).toString() : fields;
      const { res, cookie } = await postSignIn(body);
      if (adapter === 'express') {
        expectFormErrorPage(res, 413, 'The form you sent is too large for this app.');
      } else {
        const name = field === 'username' ? 'Usernames' : 'Passwords';
        expectFormErrorPage(
          res,
          400,
          `${name} are at most ${field === 'username' ? 100 : 200} characters long.`,
        );
      }
      await expectSessionUsable(cookie);
    },
  );

  it.each([
    ['invalid UTF-8 (%ED%A0%80, an encoded lone surrogate)', 'username=%ED%A0%80&password=x'],
    ['invalid UTF-8 (%FF)', 'username=%FF&password=x'],
    ['a NUL in the password', 'username=mallory&password=a%00b'],
    ['a lone surrogate in the password', { username: 'mallory', password: '\ud800' }],
  ])('treats %s as a wrong username or password', async (_, body) => {
    const { res, cookie } = await postSignIn(body);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login');
    const page = await http().get('/login').set('Cookie', cookie).set('Accept', 'text/html');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Wrong username or password.');
    expect(page.text).toMatch(/<input\s+id="username"[^>]*value="[^"]+"/); // typed value kept
  });
});
