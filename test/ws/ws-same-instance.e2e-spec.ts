import 'reflect-metadata';
import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import request from 'supertest';
import {
  SessionEntity,
  SessionModule,
  SessionService,
  sessionMigrations,
} from '../../lib/index.js';
import { startEmbeddedPostgres } from '../../sample/embedded-postgres.js';
import type { EmbeddedPostgres } from '../../sample/embedded-postgres.js';
import { AccountController } from '../fixtures/account.controller.js';
import { RequestGate } from '../fixtures/concurrency.controller.js';
import { SessionGateway } from '../fixtures/ws-session.gateway.js';
import type { SocketSessionView } from '../fixtures/ws-session.gateway.js';
import { ChannelLessStore } from './channel-less.store.js';
import { connectSocket } from './socket-client.js';
import type { TestSocket } from './socket-client.js';
import { PLATFORMS, createSocketApp } from './ws-app.js';
import type { SocketPlatform } from './ws-app.js';
import { disconnectedWithin, report, signInOverHttp } from './ws-flow.js';

/**
 * The two ways a channel does not work: none at all, and PostgreSQL's `LISTEN/NOTIFY` on the
 * embedded database `npm start` runs (PGlite: one backend, so a notification reaches only the
 * connection that sent it; the channel's probe never comes back and it is never trusted).
 */
type Backing = 'no channel' | 'embedded Postgres';
const BACKINGS: Backing[] = ['no channel', 'embedded Postgres'];

const SECRET = 's'.repeat(32);

function sessionImports(backing: Backing, database?: EmbeddedPostgres): ModuleMetadata['imports'] {
  if (backing === 'no channel') {
    return [
      SessionModule.forRoot({ secret: SECRET, store: new ChannelLessStore(), cleanup: false }),
    ];
  }
  return [
    TypeOrmModule.forRoot({
      type: 'postgres',
      url: database!.url,
      entities: [SessionEntity],
      migrations: [...sessionMigrations],
      migrationsRun: true,
    }),
    SessionModule.forRoot({ secret: SECRET, cleanup: false }),
  ];
}

describe.each(BACKINGS.flatMap((backing) => PLATFORMS.map((p) => [backing, p] as const)))(
  'a session ended on this instance, %s, over %s',
  (backing: Backing, platform: SocketPlatform) => {
    let database: EmbeddedPostgres | undefined;
    let app: INestApplication;
    let url: string;
    const sockets: TestSocket[] = [];
    const label = (what: string) => `same instance, ${backing}, ${platform}, ${what}`;

    beforeAll(async () => {
      if (backing === 'embedded Postgres') database = await startEmbeddedPostgres();
      ({ app, url } = await createSocketApp('express', platform, {
        imports: sessionImports(backing, database),
        controllers: [AccountController],
        providers: [SessionGateway, RequestGate],
      }));
    });
    afterEach(() => sockets.splice(0).forEach((socket) => socket.close()));
    afterAll(async () => {
      await app.close();
      await database?.stop();
    });

    /** A socket on a session of `userId`, tracked (it has sent a guarded message). */
    async function trackedSocket(userId: string) {
      const cookie = await signInOverHttp(app, userId);
      const socket = await connectSocket(platform, url, cookie);
      sockets.push(socket);
      await socket.request('secret');
      const { id } = await socket.request<SocketSessionView>('whoami');
      return { socket, cookie, id };
    }

    it('disconnects the socket within 2 s of a sign-out over HTTP', async () => {
      const { socket, cookie } = await trackedSocket('olga');
      const start = performance.now();
      await request(app.getHttpServer()).post('/logout').set('Cookie', cookie).expect(204);
      report(label('sign-out over HTTP'), await disconnectedWithin(socket.closed, start));
    });

    it('disconnects the socket within 2 s of revoke(id)', async () => {
      const { socket, id } = await trackedSocket('pablo');
      const start = performance.now();
      await app.get(SessionService).revoke(id);
      report(label('revoke(id)'), await disconnectedWithin(socket.closed, start));
    });

    it('disconnects within 2 s the sockets revokeAllForUser ends, and only those', async () => {
      const ended = await trackedSocket('quinn');
      const kept = await trackedSocket('quinn');
      const start = performance.now();
      expect(await app.get(SessionService).revokeAllForUser('quinn', { except: kept.id })).toBe(1);
      report(label('revokeAllForUser'), await disconnectedWithin(ended.socket.closed, start));
      expect(await kept.socket.request<{ userId: string }>('secret')).toEqual({ userId: 'quinn' });
    });
  },
);
