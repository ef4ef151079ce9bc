import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import request from 'supertest';
import { MemorySessionStore, SessionModule, SessionService } from '../../lib/index.js';
import type { SessionPatch } from '../../lib/index.js';
import { AccountController } from '../fixtures/account.controller.js';
import { RequestGate } from '../fixtures/concurrency.controller.js';
import { HeldKeysController, SessionGateway } from '../fixtures/ws-session.gateway.js';
import type { SocketSessionView } from '../fixtures/ws-session.gateway.js';
import { createTestSchema } from '../support/database.js';
import type { TestSchema } from '../support/database.js';
import { ADAPTERS } from '../support/http-app.js';
import type { AdapterName } from '../support/http-app.js';
import { connectSocket } from './socket-client.js';
import type { SocketException, TestSocket } from './socket-client.js';
import { PLATFORMS, createSocketApp } from './ws-app.js';
import type { SocketPlatform } from './ws-app.js';
import { disconnectedWithin, report, signInOverHttp } from './ws-flow.js';

const secret = 'w'.repeat(32);

/** A memory store whose patches can be slowed down, to see what waits for them. */
class SlowPatchStore extends MemorySessionStore {
  patchDelay = 0;
  override async patch(id: string, patch: SessionPatch): Promise<boolean> {
    await new Promise((resolve) => setTimeout(resolve, this.patchDelay));
    return super.patch(id, patch);
  }
}

type StoreName = 'memory' | 'postgres';
const CASES: [SocketPlatform, AdapterName, StoreName][] = PLATFORMS.flatMap((platform) =>
  ADAPTERS.flatMap((adapter) =>
    (['memory', 'postgres'] as StoreName[]).map(
      (store): [SocketPlatform, AdapterName, StoreName] => [platform, adapter, store],
    ),
  ),
);

describe.each(CASES)('the session over %s gateways (%s, %s store)', (platform, adapter, store) => {
  let schema: TestSchema | undefined;
  let memory: SlowPatchStore | undefined;
  let app: INestApplication;
  let url: string;
  const sockets: TestSocket[] = [];

  const http = () => request(app.getHttpServer());
  const connect = async (cookie?: string) => {
    const socket = await connectSocket(platform, url, cookie);
    sockets.push(socket);
    return socket;
  };
  const label = (what: string) => `${platform}/${adapter}/${store}: ${what}`;

  beforeAll(async () => {
    const sessionOptions = { secret, cleanup: false as const };
    let imports;
    if (store === 'memory') {
      memory = new SlowPatchStore();
      imports = [SessionModule.forRoot({ ...sessionOptions, store: memory })];
    } else {
      schema = await createTestSchema();
      imports = [
        TypeOrmModule.forRoot(schema.typeOrmOptions),
        SessionModule.forRoot(sessionOptions),
      ];
    }
    ({ app, url } = await createSocketApp(adapter, platform, {
      imports,
      controllers: [AccountController, HeldKeysController],
      providers: [SessionGateway, RequestGate],
    }));
  });

  afterEach(() => {
    sockets.splice(0).forEach((socket) => socket.close());
    app.get(RequestGate).reset();
    if (memory) memory.patchDelay = 0;
  });

  afterAll(async () => {
    await app.close();
    await schema?.drop();
  });

  it('serves a message handler the session of the handshake cookie', async () => {
    const cookie = await signInOverHttp(app, 'alice');
    const me = (await http().get('/me').set('Cookie', cookie).expect(200)).body as { id: string };
    const socket = await connect(cookie);
    const seen = await socket.request<SocketSessionView>('whoami');
    expect(seen).toMatchObject({ id: me.id, isNew: false, userId: 'alice', theme: 'dark' });
    const anonymous = await (await connect()).request<SocketSessionView>('whoami');
    expect(anonymous).toMatchObject({ isNew: true, userId: null });
  });

  it("refuses a guarded message without a session with WsException('Unauthorized')", async () => {
    const refused = (await connect()).request('secret');
    await expect(refused).rejects.toMatchObject({
      exception: { status: 'error', message: 'Unauthorized' } satisfies SocketException,
    });
    const cookie = await signInOverHttp(app, 'bob');
    expect(await (await connect(cookie)).request('secret')).toEqual({ userId: 'bob' });
  });

  it('shares changes both ways: socket to HTTP and HTTP to socket', async () => {
    const cookie = await signInOverHttp(app, 'carol');
    const socket = await connect(cookie);
    expect(await socket.request('theme', 'from-socket')).toBe('from-socket');
    const me = await http().get('/me').set('Cookie', cookie).expect(200);
    expect(me.body.theme).toBe('from-socket');
    await http().post('/theme/from-http').set('Cookie', cookie).expect(200);
    expect((await socket.request<SocketSessionView>('whoami')).theme).toBe('from-http');
  });

  if (store === 'memory') {
    it("commits a handler's change before its reply is sent", async () => {
      const cookie = await signInOverHttp(app, 'dora');
      const socket = await connect(cookie);
      memory!.patchDelay = 300;
      await socket.request('theme', 'committed-first');
      memory!.patchDelay = 0;
      const me = await http().get('/me').set('Cookie', cookie).expect(200);
      expect(me.body.theme).toBe('committed-first');
    });
  }

  it('loses no key when socket messages and HTTP requests change one session at once', async () => {
    const cookie = await signInOverHttp(app, 'erin');
    const socket = await connect(cookie);
    const gate = app.get(RequestGate);
    const keys = Array.from({ length: 10 }, (_, i) => `k${i}`);
    const done = keys.map(
      (key, i) =>
        i % 2 === 0
          ? socket.request('held-set', { key })
          : http()
              .post(`/held/keys/${key}`)
              .set('Cookie', cookie)
              .expect(200)
              .then((res) => res.body), // sent now: supertest waits for then()
    );
    await gate.arrivals(keys.length); // all hold the same snapshot of the session
    gate.open();
    await Promise.all(done);
    const seen = await socket.request<SocketSessionView>('whoami');
    expect(seen.keys).toEqual(
      Object.fromEntries(keys.map((key, i) => [key, i % 2 === 0 ? 'socket' : 'http'])),
    );
  });

  it('refuses signIn and signOut over a socket with a clear error, the session unchanged', async () => {
    const cookie = await signInOverHttp(app, 'frank');
    const socket = await connect(cookie);
    const signIn = await socket.request<{ error: string }>('sign-in');
    expect(signIn.error).toMatch(/a socket cannot set a cookie: sign in over HTTP/);
    const signOut = await socket.request<{ error: string }>('sign-out');
    expect(signOut.error).toMatch(/a socket cannot set a cookie/);
    expect((await socket.request<SocketSessionView>('whoami')).userId).toBe('frank');
    await http().get('/me').set('Cookie', cookie).expect(200);
  });

  it('disconnects the socket within 2 s of a sign-out over HTTP', async () => {
    const cookie = await signInOverHttp(app, 'gina');
    const socket = await connect(cookie);
    await socket.request('whoami');
    const start = performance.now();
    await http().post('/logout').set('Cookie', cookie).expect(204);
    report(label('sign-out over HTTP'), await disconnectedWithin(socket.closed, start));
  });

  it('disconnects the socket within 2 s of revoke(id)', async () => {
    const cookie = await signInOverHttp(app, 'hugo');
    const socket = await connect(cookie);
    const { id } = await socket.request<SocketSessionView>('whoami');
    const start = performance.now();
    await app.get(SessionService).revoke(id);
    report(label('revoke(id)'), await disconnectedWithin(socket.closed, start));
  });

  it('disconnects within 2 s every socket revokeAllForUser ends, and only those', async () => {
    const kept = await signInOverHttp(app, 'ines');
    const ended = await signInOverHttp(app, 'ines');
    const [keptSocket, endedSocket] = [await connect(kept), await connect(ended)];
    const { id: keptId } = await keptSocket.request<SocketSessionView>('whoami');
    await endedSocket.request('whoami');
    const start = performance.now();
    expect(await app.get(SessionService).revokeAllForUser('ines', { except: keptId })).toBe(1);
    report(label('revokeAllForUser'), await disconnectedWithin(endedSocket.closed, start));
    expect((await keptSocket.request<SocketSessionView>('whoami')).userId).toBe('ines');
  });
});
