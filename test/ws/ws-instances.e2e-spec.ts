import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import request from 'supertest';
import { SessionModule, SessionService } from '../../lib/index.js';
import { AccountController } from '../fixtures/account.controller.js';
import { RequestGate } from '../fixtures/concurrency.controller.js';
import { SessionGateway } from '../fixtures/ws-session.gateway.js';
import type { SocketSessionView } from '../fixtures/ws-session.gateway.js';
import { createTestSchema, isEmbeddedDatabase } from '../support/database.js';
import type { TestSchema } from '../support/database.js';
import type { AdapterName } from '../support/http-app.js';
import { connectSocket } from './socket-client.js';
import type { TestSocket } from './socket-client.js';
import { PLATFORMS, createSocketApp } from './ws-app.js';
import type { SocketPlatform } from './ws-app.js';
import { disconnectedWithin, report, signInOverHttp } from './ws-flow.js';

const secret = 'y'.repeat(32);

/** The socket on instance A, the session ended on instance B: one app deployed twice. */
const CASES: [SocketPlatform, AdapterName, AdapterName][] = PLATFORMS.flatMap((platform) => [
  [platform, 'express', 'fastify'],
  [platform, 'fastify', 'express'],
]);

// LISTEN/NOTIFY needs a real PostgreSQL: the embedded one cannot hear other connections.
const describeOnPostgres = isEmbeddedDatabase() ? describe.skip : describe;

describeOnPostgres.each(CASES)(
  'sockets over %s across two instances on one PostgreSQL schema (A: %s, B: %s)',
  (platform, adapterA, adapterB) => {
    let schema: TestSchema;
    let a: INestApplication;
    let b: INestApplication;
    let urlA: string;
    const sockets: TestSocket[] = [];

    const instance = (adapter: AdapterName) =>
      createSocketApp(adapter, platform, {
        imports: [
          TypeOrmModule.forRoot(schema.typeOrmOptions),
          SessionModule.forRoot({ secret, cleanup: false }),
        ],
        controllers: [AccountController],
        providers: [SessionGateway, RequestGate],
      });
    /** A socket on A, its session in use (so tracked), on a session signed in over HTTP on A. */
    const socketOnA = async (userId: string) => {
      const cookie = await signInOverHttp(a, userId);
      const socket = await connectSocket(platform, urlA, cookie);
      sockets.push(socket);
      const { id } = await socket.request<SocketSessionView>('whoami');
      return { socket, cookie, id };
    };
    const label = (what: string) => `${platform} A:${adapterA} B:${adapterB}: ${what}`;

    beforeAll(async () => {
      schema = await createTestSchema();
      ({ app: a, url: urlA } = await instance(adapterA));
      ({ app: b } = await instance(adapterB));
    });

    afterEach(() => sockets.splice(0).forEach((socket) => socket.close()));

    afterAll(async () => {
      await Promise.all([a.close(), b.close()]);
      await schema.drop();
    });

    it('disconnects the socket on A within 2 s of revoke(id) on B', async () => {
      const { socket, id } = await socketOnA('ann');
      const start = performance.now();
      await b.get(SessionService).revoke(id);
      report(label('revoke(id) on B'), await disconnectedWithin(socket.closed, start));
    });

    it('disconnects the sockets on A within 2 s of revokeAllForUser on B', async () => {
      const first = await socketOnA('ben');
      const second = await socketOnA('ben');
      const other = await socketOnA('cid');
      const start = performance.now();
      expect(await b.get(SessionService).revokeAllForUser('ben')).toBe(2);
      const [one, two] = await Promise.all([
        disconnectedWithin(first.socket.closed, start),
        disconnectedWithin(second.socket.closed, start),
      ]);
      report(label('revokeAllForUser on B'), Math.max(one, two));
      expect((await other.socket.request<SocketSessionView>('whoami')).userId).toBe('cid');
    });

    it('disconnects the socket on A within 2 s of a sign-out over HTTP on B', async () => {
      const { socket, cookie } = await socketOnA('dan');
      const start = performance.now();
      await request(b.getHttpServer()).post('/logout').set('Cookie', cookie).expect(204);
      report(label('sign-out over HTTP on B'), await disconnectedWithin(socket.closed, start));
    });
  },
);
