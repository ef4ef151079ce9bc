import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { SessionModule } from '../../lib/index.js';
import { AccountController } from '../fixtures/account.controller.js';
import { RequestGate } from '../fixtures/concurrency.controller.js';
import { SessionGateway } from '../fixtures/ws-session.gateway.js';
import type { SocketSessionView } from '../fixtures/ws-session.gateway.js';
import { ChannelLessStore } from './channel-less.store.js';
import { connectSocket } from './socket-client.js';
import { PLATFORMS, createSocketApp } from './ws-app.js';
import { signInOverHttp } from './ws-flow.js';

describe.each(PLATFORMS)('sockets over %s on a store without a channel', (platform) => {
  let app: INestApplication;
  let url: string;
  const store = new ChannelLessStore();

  beforeAll(async () => {
    ({ app, url } = await createSocketApp('express', platform, {
      imports: [SessionModule.forRoot({ secret: 'z'.repeat(32), store, cleanup: false })],
      controllers: [AccountController],
      providers: [SessionGateway, RequestGate],
    }));
  });

  afterAll(() => app.close());

  it('refuses the next guarded message of a session ended on another instance', async () => {
    const socket = await connectSocket(platform, url, await signInOverHttp(app, 'nora'));
    try {
      await socket.request('secret');
      const { id } = await socket.request<SocketSessionView>('whoami');
      await store.delete(id); // as another instance would: no channel tells this one
      await expect(socket.request('secret')).rejects.toMatchObject({
        exception: { message: 'Unauthorized' },
      });
    } finally {
      socket.close();
    }
  });
});
