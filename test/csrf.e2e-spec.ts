import 'reflect-metadata';
import { Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { CsrfGuard, MemorySessionStore, Session, SessionModule } from '../lib/index.js';
import { SESSION_MESSAGES } from '../lib/session.messages.js';
import { ADAPTERS, cookieFrom, createHttpApp } from './support/http-app.js';

@Controller()
class FormController {
  @Get('form')
  form(@Session() session: Session) {
    return { csrf: session.csrfToken() };
  }

  @UseGuards(CsrfGuard)
  @Post('change')
  @HttpCode(200)
  change(@Session() session: Session<{ changes?: number }>) {
    session.set('changes', (session.get('changes') ?? 0) + 1);
    return { changes: session.get('changes') };
  }

  @UseGuards(CsrfGuard)
  @Get('read')
  read() {
    return { ok: true };
  }
}

describe.each(ADAPTERS)('CsrfGuard over HTTP (%s)', (adapter) => {
  let app: INestApplication;

  beforeEach(async () => {
    app = await createHttpApp(adapter, {
      imports: [
        SessionModule.forRoot({
          secret: 'csrf-e2e-secret-'.padEnd(40, 'x'),
          store: new MemorySessionStore(),
          cookie: { secure: false },
        }),
      ],
      controllers: [FormController],
    });
  });
  afterEach(() => app.close());

  /** A session with a CSRF token: its cookie and the token. */
  async function formSession(): Promise<{ cookie: string; csrf: string }> {
    const res = await request(app.getHttpServer()).get('/form').expect(200);
    const cookie = cookieFrom(res);
    expect(cookie).toBeDefined();
    return { cookie: cookie!, csrf: (res.body as { csrf: string }).csrf };
  }

  function post(cookie?: string) {
    const req = request(app.getHttpServer()).post('/change');
    return cookie === undefined ? req : req.set('Cookie', cookie);
  }

  it('keeps one token per session across requests', async () => {
    const { cookie, csrf } = await formSession();
    const again = await request(app.getHttpServer()).get('/form').set('Cookie', cookie);
    expect((again.body as { csrf: string }).csrf).toBe(csrf);
    expect(csrf).toMatch(/^[\w-]{43}$/);
  });

  it('accepts the token in the x-csrf-token header', async () => {
    const { cookie, csrf } = await formSession();
    const res = await post(cookie).set('x-csrf-token', csrf).expect(200);
    expect(res.body).toEqual({ changes: 1 });
  });

  it('accepts the token in a urlencoded _csrf form field', async () => {
    const { cookie, csrf } = await formSession();
    const res = await post(cookie)
      .type('form')
      .send(`note=hello&_csrf=${encodeURIComponent(csrf)}`)
      .expect(200);
    expect(res.body).toEqual({ changes: 1 });
  });

  it('accepts the token in a JSON _csrf field', async () => {
    const { cookie, csrf } = await formSession();
    await post(cookie).send({ _csrf: csrf }).expect(200);
  });

  it('refuses a post without a token with 403 and a clear message, changing nothing', async () => {
    const { cookie, csrf } = await formSession();
    const res = await post(cookie).type('form').send('note=hello').expect(403);
    expect((res.body as { message: string }).message).toBe(SESSION_MESSAGES.csrfTokenMissing());
    const after = await post(cookie).set('x-csrf-token', csrf).expect(200);
    expect(after.body).toEqual({ changes: 1 });
  });

  it('refuses a wrong token, and the token of another session', async () => {
    const { cookie, csrf } = await formSession();
    const other = await formSession();
    const wrong = csrf.slice(0, -2) + (csrf.endsWith('AA') ? 'BB' : 'AA');
    for (const token of [wrong, other.csrf]) {
      const res = await post(cookie).set('x-csrf-token', token).expect(403);
      expect((res.body as { message: string }).message).toBe(SESSION_MESSAGES.csrfTokenMismatch());
    }
  });

  it('refuses a post whose session has no token yet (no cookie at all)', async () => {
    const { csrf } = await formSession();
    const res = await post().set('x-csrf-token', csrf).expect(403);
    expect((res.body as { message: string }).message).toBe(SESSION_MESSAGES.csrfNoSessionToken());
  });

  it('refuses a cross-site post (Sec-Fetch-Site) even with the right token', async () => {
    const { cookie, csrf } = await formSession();
    const res = await post(cookie)
      .set('x-csrf-token', csrf)
      .set('Sec-Fetch-Site', 'cross-site')
      .expect(403);
    expect((res.body as { message: string }).message).toBe(SESSION_MESSAGES.csrfCrossSite());
    await post(cookie).set('x-csrf-token', csrf).set('Sec-Fetch-Site', 'same-origin').expect(200);
  });

  it('refuses a post whose Origin is not the Host, and accepts its own', async () => {
    const { cookie, csrf } = await formSession();
    await post(cookie).set('x-csrf-token', csrf).set('Origin', 'http://evil.example').expect(403);
    await post(cookie)
      .set('x-csrf-token', csrf)
      .set('Host', 'app.example:8080')
      .set('Origin', 'http://app.example:8080')
      .expect(200);
  });

  it('lets safe methods through without a token, even cross-site', async () => {
    await request(app.getHttpServer()).get('/read').set('Sec-Fetch-Site', 'cross-site').expect(200);
  });
});
