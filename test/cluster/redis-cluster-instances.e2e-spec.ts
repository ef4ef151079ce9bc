import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { Cluster } from 'ioredis';
import request from 'supertest';
import { RedisSessionStore, SessionModule, SessionService } from '../../lib/index.js';
import type { SessionModuleOptions } from '../../lib/index.js';
import { AccountController } from '../fixtures/account.controller.js';
import { countingReads, eventually } from '../support/cache-flow.js';
import { cookieFrom, createHttpApp } from '../support/http-app.js';
import type { AdapterName } from '../support/http-app.js';
import {
  clusterClient,
  clusterErrorCounts,
  deleteClusterKeysWithPrefix,
  describeOnRedisCluster,
  masterOf,
  startClusterFor,
} from '../support/redis-cluster.js';
import type { RedisClusterHandle } from '../support/redis-cluster.js';
import { uniquePrefix } from '../support/redis.js';

const secret = 'c'.repeat(32);
const MASTERS = 3;
/** Sign-ins of one user, at most, until the user's sessions lie on every master. */
const MAX_SIGN_INS = 40;
const CAP = 3;
const RACERS = 12;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Instance A on one adapter, instance B on the other: one app deployed twice. */
const PAIRS: [AdapterName, AdapterName][] = [
  ['express', 'fastify'],
  ['fastify', 'express'],
];

const describeOnCluster = describeOnRedisCluster(
  'test/cluster/redis-cluster-instances.e2e-spec.ts',
);

/** Figures over the file, printed once at the end (measured, never asserted). */
const figures = { revokeAllToRefusedOnA: [] as number[], lockCommands: 0, signIns: 0 };

describeOnCluster('two app instances on a 3-master Redis Cluster', () => {
  let handle: RedisClusterHandle;

  beforeAll(async () => {
    handle = await startClusterFor('test/cluster/redis-cluster-instances.e2e-spec.ts', MASTERS);
  }, 30_000);

  afterAll(async () => {
    await handle?.stop();
    const waits = figures.revokeAllToRefusedOnA;
    console.info(
      `Redis Cluster, two instances: revokeAllForUser on B to every session refused on A ` +
        `(read cache, pub/sub): ${waits.map((ms) => `${ms} ms`).join(', ')}; ` +
        `${figures.signIns} racing capped sign-ins sent ${figures.lockCommands} commands on ` +
        'their user locks (takes, retries, releases)',
    );
  });

  describe.each(PAIRS)('(A: %s, B: %s)', (adapterA, adapterB) => {
    let prefix: string;
    const clients: Cluster[] = [];
    const apps: INestApplication[] = [];

    /**
     * An instance with a Cluster client of its own, on the pair's prefix, with a 1 h read cache;
     * `reads()` counts the reads that got past the cache to the store.
     */
    const instance = async (adapter: AdapterName, options: Partial<SessionModuleOptions> = {}) => {
      const client = clusterClient(handle);
      clients.push(client);
      const counted = countingReads(new RedisSessionStore(client, { prefix }));
      const app = await createHttpApp(adapter, {
        imports: [
          SessionModule.forRoot({
            secret,
            store: counted.store,
            cache: { ttl: '1h' },
            cleanup: false,
            ...options,
          }),
        ],
        controllers: [AccountController],
      });
      apps.push(app);
      return { app, reads: () => counted.reads() };
    };
    const on = (app: INestApplication) => request(app.getHttpServer());
    const status = async (app: INestApplication, cookie: string) =>
      (await on(app).get('/me').set('Cookie', cookie)).status;
    const signIn = async (app: INestApplication, userId: string) => {
      const res = await on(app).post('/login').send({ userId }).expect(200);
      return { cookie: cookieFrom(res)!, id: (res.body as { id: string }).id };
    };

    beforeAll(() => {
      prefix = uniquePrefix();
    });

    afterAll(async () => {
      await Promise.all(apps.map((app) => app.close()));
      await deleteClusterKeysWithPrefix(clients[0], prefix);
      await Promise.all(clients.map((client) => client.quit()));
    });

    describe('revokeAllForUser', () => {
      let a: INestApplication;
      let b: INestApplication;
      let readsOnA: () => number;

      beforeAll(async () => {
        ({ app: a, reads: readsOnA } = await instance(adapterA));
        ({ app: b } = await instance(adapterB));
      });

      it('on B ends on A, despite its cache, every session of the user, whichever master holds it', async () => {
        const user = `everywhere-${adapterA}`;
        const sessions: { cookie: string; master: string }[] = [];
        // sign-ins on A and B in turn, until the user's sessions lie on every master
        while (new Set(sessions.map(({ master }) => master)).size < MASTERS) {
          if (sessions.length === MAX_SIGN_INS) break;
          const { cookie, id } = await signIn(sessions.length % 2 === 0 ? a : b, user);
          sessions.push({ cookie, master: await masterOf(handle, `${prefix}{${id}}`) });
        }
        expect(new Set(sessions.map(({ master }) => master)).size).toBe(MASTERS);
        const bystander = (await signIn(a, `bystander-${adapterA}`)).cookie;
        // every session read on both instances: each now in both read caches
        for (const { cookie } of sessions) {
          expect(await status(a, cookie)).toBe(200);
          expect(await status(b, cookie)).toBe(200);
        }
        const cachedReads = readsOnA();
        for (const { cookie } of sessions) expect(await status(a, cookie)).toBe(200);
        expect(readsOnA()).toBe(cachedReads); // A answers them from its cache alone

        expect(await b.get(SessionService).revokeAllForUser(user)).toBe(sessions.length);
        const revokedAt = Date.now();
        for (const { cookie } of sessions) expect(await status(b, cookie)).toBe(401);
        await eventually(async () => {
          const statuses = await Promise.all(sessions.map(({ cookie }) => status(a, cookie)));
          return statuses.every((s) => s === 401);
        });
        figures.revokeAllToRefusedOnA.push(Date.now() - revokedAt);
        expect(await a.get(SessionService).listForUser(user)).toEqual([]);
        expect(await status(a, bystander)).toBe(200);
        expect(await status(b, bystander)).toBe(200);
      });
    });

    describe(`maxSessionsPerUser { max: ${CAP}, whenExceeded: 'refuse' }`, () => {
      let a: INestApplication;
      let b: INestApplication;

      beforeAll(async () => {
        const maxSessionsPerUser = { max: CAP, whenExceeded: 'refuse' } as const;
        ({ app: a } = await instance(adapterA, { maxSessionsPerUser }));
        ({ app: b } = await instance(adapterB, { maxSessionsPerUser }));
      });

      it(`admits ${CAP} of ${RACERS} racing sign-ins on both instances, each through <prefix>lock:{user}`, async () => {
        const user = `capped-${adapterA}`;
        const lockKey = `${prefix}lock:{${user}}`;
        const [host, port] = (await masterOf(handle, lockKey)).split(':');
        const lockNode = new Redis(Number(port), host, { disableClientInfo: true });
        const monitor = await lockNode.monitor();
        /** The LOCK (key, holder, lease) and UNLOCK (key, holder) scripts run on the lock key. */
        const takes = new Set<string>();
        const releases = new Set<string>();
        let lockCommands = 0;
        const marker = `end-of-race-${adapterA}`;
        let sawMarker = false;
        monitor.on('monitor', (_time: string, args: string[]) => {
          if (args[0]?.toLowerCase() === 'echo' && args[1] === marker) sawMarker = true;
          if (!['evalsha', 'eval'].includes(args[0]?.toLowerCase()) || args[3] !== lockKey) return;
          lockCommands++;
          (args.length === 6 ? takes : releases).add(args[4]);
        });
        try {
          const responses = await Promise.all(
            range(RACERS).map((i) =>
              on(i % 2 === 0 ? a : b)
                .post('/login')
                .send({ userId: user }),
            ),
          );
          const statuses = responses.map((res) => res.status).sort();
          expect(statuses).toEqual([
            ...range(CAP).map(() => 200),
            ...range(RACERS - CAP).map(() => 409),
          ]);
          const admitted = responses
            .filter((res) => res.status === 200)
            .map((res) => cookieFrom(res)!);
          for (const cookie of admitted) {
            expect(await status(a, cookie)).toBe(200);
            expect(await status(b, cookie)).toBe(200);
          }
          expect(await b.get(SessionService).listForUser(user)).toHaveLength(CAP);

          // everything the race sent to the lock's node has been seen once the marker has
          await lockNode.echo(marker);
          await eventually(() => Promise.resolve(sawMarker));
          expect(takes.size).toBe(RACERS); // every sign-in tried the lock, with its own holder
          expect([...releases].sort()).toEqual([...takes].sort()); // and each took and released it
          expect(await lockNode.exists(lockKey)).toBe(0);
          figures.lockCommands += lockCommands;
          figures.signIns += RACERS;
        } finally {
          monitor.disconnect();
          lockNode.disconnect();
        }
      });

      it('admits on B a sign-in refused at the cap once one of the sessions signs out on A', async () => {
        const user = `freed-${adapterA}`;
        const cookies: string[] = [];
        for (const i of range(CAP)) cookies.push((await signIn(i % 2 === 0 ? a : b, user)).cookie);
        await on(b).post('/login').send({ userId: user }).expect(409);
        await on(a).post('/logout').set('Cookie', cookies[0]).expect(204);
        const again = await signIn(b, user);
        expect(await status(a, again.cookie)).toBe(200);
        expect(await a.get(SessionService).listForUser(user)).toHaveLength(CAP);
      });
    });
  });

  // Last in the file: every suite above ran on this cluster, each command on its own slot.
  it('answered no command with CROSSSLOT, nor with any error but NOSCRIPT and ERR', async () => {
    const errors = await clusterErrorCounts(handle);
    console.info(`server errors over the file, summed over the masters: ${JSON.stringify(errors)}`);
    expect(errors.CROSSSLOT).toBeUndefined();
    // ERR: the connection ioredis's Cluster subscribes on (the read cache's channel) ignores
    // `redisOptions` and sends `CLIENT SETINFO` at connect, which Redis 7.0 does not know.
    expect(Object.keys(errors).filter((code) => !['NOSCRIPT', 'ERR'].includes(code))).toEqual([]);
  });
});
