import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { AppModule } from '../sample/app.module.js';
import { createTestSchema } from './support/database.js';
import type { TestSchema } from './support/database.js';
import { ADAPTERS, cookieFrom, createHttpApp, setCookies } from './support/http-app.js';

const sessionSecret = 'sample-e2e-secret-'.padEnd(48, 'x');
const alice = { username: 'alice', password: 'wonderland-123' };
const bob = { username: 'bob', password: 'builder-456' };

describe.each(ADAPTERS)('the sample app (%s)', (adapter) => {
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

  async function login(credentials: { username: string; password: string }): Promise<string> {
    const res = await request(app.getHttpServer()).post('/login').send(credentials).expect(200);
    expect(res.body).toEqual({ ok: true });
    const cookie = cookieFrom(res);
    expect(cookie).toBeDefined();
    return cookie!;
  }

  function me(cookie: string) {
    return request(app.getHttpServer()).get('/me').set('Cookie', cookie);
  }

  it('answers a wrong password or an unknown user with 401 and no cookie', async () => {
    for (const body of [
      { ...alice, password: 'wrong' },
      { username: 'mallory', password: 'x' },
    ]) {
      const res = await request(app.getHttpServer()).post('/login').send(body).expect(401);
      expect(setCookies(res)).toEqual([]);
    }
  });

  it('answers a malformed login body with 400', async () => {
    await request(app.getHttpServer()).post('/login').send({ username: 'alice' }).expect(400);
    await request(app.getHttpServer())
      .post('/login')
      .send({ ...alice, admin: true })
      .expect(400);
  });

  it('signs in with an HttpOnly, SameSite=Lax cookie that serves /me', async () => {
    const res = await request(app.getHttpServer()).post('/login').send(alice).expect(200);
    const [header] = setCookies(res);
    expect(header).toMatch(/^sid=.+; HttpOnly/i);
    expect(header).toMatch(/SameSite=Lax/i);
    expect(header).not.toMatch(/;\s*Secure/i); // plain http on loopback, as app.module.ts explains

    const body = (await me(cookieFrom(res)!).expect(200)).body as Record<string, unknown>;
    expect(body).toMatchObject({ userId: 'user-1', username: 'alice', theme: 'dark' });
  });

  it('refuses /me without a session', async () => {
    await request(app.getHttpServer()).get('/me').expect(401);
  });

  it('lists the user’s sessions with the current one marked', async () => {
    const first = await login(alice);
    const second = await login(alice);
    await login(bob);
    const { sessionId } = (await me(second).expect(200)).body as { sessionId: string };

    const res = await request(app.getHttpServer())
      .get('/sessions')
      .set('Cookie', second)
      .expect(200);
    const listed = res.body as { id: string; current: boolean; userAgent: string | null }[];
    expect(listed).toHaveLength(2);
    expect(listed.filter((s) => s.current).map((s) => s.id)).toEqual([sessionId]);
    const firstId = ((await me(first).expect(200)).body as { sessionId: string }).sessionId;
    expect(listed.map((s) => s.id).sort()).toEqual([firstId, sessionId].sort());
  });

  it('revoke-others from the first session ends the second, not the first', async () => {
    const first = await login(alice);
    const second = await login(alice);
    const other = await login(bob);

    const res = await request(app.getHttpServer())
      .post('/sessions/revoke-others')
      .set('Cookie', first)
      .expect(200);
    expect(res.body).toEqual({ revoked: 1 });
    await me(second).expect(401);
    await me(first).expect(200);
    await me(other).expect(200);
  });

  it('revokes one of the user’s own sessions by id, and 404 for anyone else’s', async () => {
    const first = await login(alice);
    const second = await login(alice);
    const bobs = await login(bob);
    const secondId = ((await me(second).expect(200)).body as { sessionId: string }).sessionId;
    const bobsId = ((await me(bobs).expect(200)).body as { sessionId: string }).sessionId;

    const revoke = (id: string) =>
      request(app.getHttpServer())
        .post(`/sessions/${encodeURIComponent(id)}/revoke`)
        .set('Cookie', first);
    await revoke(bobsId).expect(404);
    await me(bobs).expect(200);
    await revoke(secondId).expect(204);
    await me(second).expect(401);
    await me(first).expect(200);
  });

  it('logs out: the cookie is cleared and stops working', async () => {
    const cookie = await login(alice);
    const res = await request(app.getHttpServer())
      .post('/logout')
      .set('Cookie', cookie)
      .expect(204);
    expect(setCookies(res)).toEqual([expect.stringMatching(/^sid=;/)]);
    await me(cookie).expect(401);
  });
});
