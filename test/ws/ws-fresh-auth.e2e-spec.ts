import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import request from 'supertest';
import { MemorySessionStore, SessionModule, SessionStore } from '../../lib/index.js';
import { AccountController } from '../fixtures/account.controller.js';
import { FreshAuthGateway } from '../fixtures/ws-fresh-auth.gateway.js';
import { createTestSchema } from '../support/database.js';
import type { TestSchema } from '../support/database.js';
import { ADAPTERS, cookieFrom } from '../support/http-app.js';
import type { AdapterName } from '../support/http-app.js';
import { connectSocket } from './socket-client.js';
import type { SocketException, TestSocket } from './socket-client.js';
import { PLATFORMS, createSocketApp } from './ws-app.js';
import type { SocketPlatform } from './ws-app.js';

const secret = 'q'.repeat(32);
const MINUTE = 60_000;

type StoreName = 'memory' | 'postgres';
const CASES: [SocketPlatform, AdapterName, StoreName][] = PLATFORMS.flatMap((platform) =>
  ADAPTERS.flatMap((adapter) =>
    (['memory', 'postgres'] as StoreName[]).map(
      (store): [SocketPlatform, AdapterName, StoreName] => [platform, adapter, store],
    ),
  ),
);

describe.each(CASES)(
  '@RequireFreshAuth on a gateway over %s (%s, %s store)',
  (platform, adapter, store) => {
    let schema: TestSchema | undefined;
    let app: INestApplication;
    let url: string;
    const sockets: TestSocket[] = [];

    const connect = async (cookie?: string) => {
      const socket = await connectSocket(platform, url, cookie);
      sockets.push(socket);
      return socket;
    };

    /** Signs `userId` in over HTTP: the cookie, and the session's id. */
    async function signIn(userId: string): Promise<{ cookie: string; id: string }> {
      const res = await request(app.getHttpServer()).post('/login').send({ userId }).expect(200);
      return { cookie: cookieFrom(res)!, id: (res.body as { id: string }).id };
    }

    /**
     * Moves the session's sign-in `minutes` into the past, in the store itself. (Faking `Date`
     * instead would fake it for the socket.io client in this process too, whose heartbeat check
     * would then close the connection.)
     */
    async function signedInAgo(id: string, minutes: number): Promise<void> {
      const now = Date.now();
      const patched = await app.get(SessionStore).patch(id, {
        authenticatedAt: new Date(now - minutes * MINUTE),
        lastSeenAt: new Date(now),
        expiresAt: new Date(now + 60 * MINUTE),
      });
      expect(patched).toBe(true);
    }

    beforeAll(async () => {
      let imports;
      if (store === 'memory') {
        imports = [
          SessionModule.forRoot({ secret, cleanup: false, store: new MemorySessionStore() }),
        ];
      } else {
        schema = await createTestSchema();
        imports = [
          TypeOrmModule.forRoot(schema.typeOrmOptions),
          SessionModule.forRoot({ secret, cleanup: false }),
        ];
      }
      ({ app, url } = await createSocketApp(adapter, platform, {
        imports,
        controllers: [AccountController],
        providers: [FreshAuthGateway],
      }));
    });

    afterEach(() => {
      sockets.splice(0).forEach((socket) => socket.close());
    });

    afterAll(async () => {
      await app.close();
      await schema?.drop();
    });

    it('answers a socket whose session signed in within maxAge', async () => {
      const { cookie, id } = await signIn('fresh-socket');
      const socket = await connect(cookie);
      expect(await socket.request('fresh-secret')).toEqual({ userId: 'fresh-socket' });
      await signedInAgo(id, 9);
      expect(await socket.request('fresh-secret')).toEqual({ userId: 'fresh-socket' });
    });

    it("refuses a sign-in older than maxAge with WsException('ReauthenticationRequired'), and stays open", async () => {
      const { cookie, id } = await signIn('stale-socket');
      const socket = await connect(cookie);
      expect(await socket.request('fresh-secret')).toEqual({ userId: 'stale-socket' });
      await signedInAgo(id, 11);
      await expect(socket.request('fresh-secret')).rejects.toMatchObject({
        exception: {
          status: 'error',
          message: 'ReauthenticationRequired',
        } satisfies SocketException,
      });
      // refused, not signed out: the socket and its session stay
      expect(await socket.request('whoami')).toEqual({ userId: 'stale-socket' });
    });

    it("refuses an anonymous socket with WsException('Unauthorized')", async () => {
      const socket = await connect();
      await expect(socket.request('fresh-secret')).rejects.toMatchObject({
        exception: { status: 'error', message: 'Unauthorized' } satisfies SocketException,
      });
      expect(await socket.request('whoami')).toEqual({ userId: null });
    });
  },
);
