import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { MemorySessionStore, SessionModule } from '../../lib/index.js';
import type { SessionRecord } from '../../lib/index.js';
import { SESSION_MESSAGES } from '../../lib/session.messages.js';
import { AccountController } from '../fixtures/account.controller.js';
import { RequestGate } from '../fixtures/concurrency.controller.js';
import { SessionGateway } from '../fixtures/ws-session.gateway.js';
import { connectSocket } from './socket-client.js';
import { PLATFORMS, createSocketApp } from './ws-app.js';
import { signInOverHttp } from './ws-flow.js';

/** A memory store that can be taken down: its reads then fail like a lost connection. */
class BreakableStore extends MemorySessionStore {
  down = false;

  override find(id: string, now: Date): Promise<SessionRecord | null> {
    if (this.down) return Promise.reject(new Error('connection lost'));
    return super.find(id, now);
  }
}

describe.each(PLATFORMS)('a socket message during a store outage (%s)', (platform) => {
  let app: INestApplication;
  let url: string;
  const store = new BreakableStore();

  beforeAll(async () => {
    ({ app, url } = await createSocketApp('express', platform, {
      imports: [SessionModule.forRoot({ secret: 'y'.repeat(32), store, cleanup: false })],
      controllers: [AccountController],
      providers: [SessionGateway, RequestGate],
    }));
  });

  afterAll(() => app.close());

  it('tells the client the store is unavailable, keeps the socket, and serves it once back', async () => {
    const socket = await connectSocket(platform, url, await signInOverHttp(app, 'olga'));
    try {
      store.down = true;
      await expect(socket.request('secret')).rejects.toMatchObject({
        exception: { message: SESSION_MESSAGES.storeUnavailable() },
      });
      store.down = false;
      await expect(socket.request('secret')).resolves.toEqual({ userId: 'olga' });
    } finally {
      store.down = false;
      socket.close();
    }
  });
});
