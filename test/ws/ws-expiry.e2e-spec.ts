import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CookieSessionStore, MemorySessionStore, SessionModule } from '../../lib/index.js';
import type { SessionModuleOptions } from '../../lib/index.js';
import { AccountController } from '../fixtures/account.controller.js';
import { RequestGate } from '../fixtures/concurrency.controller.js';
import { SessionGateway } from '../fixtures/ws-session.gateway.js';
import type { SocketSessionView } from '../fixtures/ws-session.gateway.js';
import { createTestSchema } from '../support/database.js';
import type { TestSchema } from '../support/database.js';
import { ADAPTERS } from '../support/http-app.js';
import type { AdapterName } from '../support/http-app.js';
import { connectSocket } from './socket-client.js';
import type { TestSocket } from './socket-client.js';
import { PLATFORMS, createSocketApp } from './ws-app.js';
import type { SocketPlatform } from './ws-app.js';
import { report, signInOverHttp } from './ws-flow.js';

const secret = 'x'.repeat(32);
/** A session idle this long is dead; `touchInterval` is then half of it (500 ms). */
const IDLE_MS = 1_000;

type StoreName = 'memory' | 'postgres' | 'sealed cookie';
const CASES: [SocketPlatform, AdapterName, StoreName][] = PLATFORMS.flatMap((platform) => [
  ...ADAPTERS.flatMap((adapter) =>
    (['memory', 'postgres'] as const).map((store): [SocketPlatform, AdapterName, StoreName] => [
      platform,
      adapter,
      store,
    ]),
  ),
  [platform, 'express', 'sealed cookie'],
]);

/** When the socket closed, in ms after its session's expiry (negative: before it). */
async function closedAfterExpiry(socket: TestSocket, expiresAt: string): Promise<number> {
  const expiry = performance.now() + (Date.parse(expiresAt) - Date.now());
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    const limit = expiry + 2_000 - performance.now();
    timer = setTimeout(() => reject(new Error('still connected 2 s after expiry')), limit);
  });
  try {
    return (await Promise.race([socket.closed, late])) - expiry;
  } finally {
    clearTimeout(timer);
  }
}

describe.each(CASES)(
  'sockets of expiring sessions over %s (%s, %s store)',
  (platform, adapter, store) => {
    let schema: TestSchema | undefined;
    let app: INestApplication;
    let url: string;
    const sockets: TestSocket[] = [];
    const connect = async (cookie: string) => {
      const socket = await connectSocket(platform, url, cookie);
      sockets.push(socket);
      return socket;
    };

    beforeAll(async () => {
      const options: SessionModuleOptions = { secret, idleTimeout: IDLE_MS, cleanup: false };
      const imports = [];
      if (store === 'postgres') {
        schema = await createTestSchema();
        imports.push(TypeOrmModule.forRoot(schema.typeOrmOptions));
      } else {
        options.store =
          store === 'memory' ? new MemorySessionStore() : new CookieSessionStore({ secret });
      }
      imports.push(SessionModule.forRoot(options));
      ({ app, url } = await createSocketApp(adapter, platform, {
        imports,
        controllers: [AccountController],
        providers: [SessionGateway, RequestGate],
      }));
    });

    afterEach(() => sockets.splice(0).forEach((socket) => socket.close()));

    afterAll(async () => {
      await app.close();
      await schema?.drop();
    });

    it('disconnects the socket within 2 s of its session expiring, not before', async () => {
      const socket = await connect(await signInOverHttp(app, 'idle'));
      const { expiresAt } = await socket.request<SocketSessionView>('whoami');
      const late = await closedAfterExpiry(socket, expiresAt);
      report(`${platform}/${adapter}/${store}: expiry`, late);
      expect(late).toBeGreaterThanOrEqual(-20); // timer granularity, no more
      expect(late).toBeLessThan(2_000);
    });

    if (store !== 'sealed cookie') {
      it('keeps a socket whose messages touch its session past the first expiry', async () => {
        const socket = await connect(await signInOverHttp(app, 'busy'));
        const first = await socket.request<SocketSessionView>('whoami');
        await new Promise((resolve) => setTimeout(resolve, IDLE_MS * 0.7)); // past touchInterval
        await socket.request('whoami'); // touches the session as it commits, after its reply
        const touched = await socket.request<SocketSessionView>('whoami');
        expect(Date.parse(touched.expiresAt)).toBeGreaterThan(Date.parse(first.expiresAt));
        const late = await closedAfterExpiry(socket, touched.expiresAt);
        report(`${platform}/${adapter}/${store}: expiry after a touch`, late);
        expect(late).toBeGreaterThanOrEqual(-20);
        expect(late).toBeLessThan(2_000);
      });
    }
  },
);
