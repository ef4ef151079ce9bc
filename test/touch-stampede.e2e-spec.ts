import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { SessionModule } from '../lib/index.js';
import type { SessionPatch } from '../lib/index.js';
import { AccountController } from './fixtures/account.controller.js';
import { ADAPTERS, cookieFrom, createHttpApp } from './support/http-app.js';
import { RecordingSessionStore } from './support/recording-session.store.js';

/** A store whose writes take a while, as under load: a touch stays in flight. */
class SlowWritesStore extends RecordingSessionStore {
  override async patch(id: string, patch: SessionPatch): Promise<boolean> {
    await new Promise((resolve) => setTimeout(resolve, 150));
    return super.patch(id, patch);
  }
}

/**
 * Requests that read a session due for its touch while that touch is in flight do not each
 * touch it again: under load that was a stampede of UPDATEs on one row.
 */
describe.each(ADAPTERS)('one touch in flight per session (%s)', (adapter) => {
  let app: INestApplication;
  let store: SlowWritesStore;

  beforeAll(async () => {
    store = new SlowWritesStore();
    app = await createHttpApp(adapter, {
      imports: [
        SessionModule.forRoot({
          secret: 't'.repeat(32),
          store,
          cleanup: false,
          idleTimeout: '1h',
          touchInterval: '1s',
        }),
      ],
      controllers: [AccountController],
    });
  });
  afterAll(() => app.close());

  it('touches a session once for concurrent requests, and again after touchInterval', async () => {
    const http = () => request(app.getHttpServer());
    const cookie = cookieFrom(await http().post('/login').send({ userId: 'u' }).expect(200))!;
    const burst = async () => {
      store.reset();
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const replies = await Promise.all(
        Array.from({ length: 10 }, () => http().get('/me').set('Cookie', cookie)),
      );
      for (const reply of replies) expect(reply.status).toBe(200);
      return store.calls.filter((call) => call.method === 'patch').length;
    };
    expect(await burst()).toBe(1);
    expect(await burst()).toBe(1);
  });
});
