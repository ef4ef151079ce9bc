import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { Cluster } from 'ioredis';
import request from 'supertest';
import { RedisSessionStore, SessionModule } from '../../lib/index.js';
import { AccountController } from '../fixtures/account.controller.js';
import { countingReads, eventually } from '../support/cache-flow.js';
import { cookieFrom, createHttpApp } from '../support/http-app.js';
import {
  clusterClient,
  describeOnRedisCluster,
  startRedisCluster,
} from '../support/redis-cluster.js';
import type { RedisClusterHandle } from '../support/redis-cluster.js';
import { uniquePrefix } from '../support/redis.js';

describeOnRedisCluster('test/cluster/redis-cluster-subscriber.e2e-spec.ts')(
  'the read cache on a Cluster whose subscriber connections are lost',
  () => {
    let handle: RedisClusterHandle;
    let admins: Redis[];
    const clients: Cluster[] = [];
    const apps: INestApplication[] = [];
    const prefix = uniquePrefix();
    let readsOnB: () => number;

    beforeAll(async () => {
      handle = await startRedisCluster(3);
      admins = handle.nodes.map(
        ({ host, port }) => new Redis(port, host, { disableClientInfo: true }),
      );
      for (let i = 0; i < 2; i++) {
        const client = clusterClient(handle);
        clients.push(client);
        const counted = countingReads(new RedisSessionStore(client, { prefix }));
        if (i === 1) readsOnB = () => counted.reads();
        apps.push(
          await createHttpApp('express', {
            imports: [
              SessionModule.forRoot({
                secret: 'z'.repeat(32),
                store: counted.store,
                cache: { ttl: '1h' },
                cleanup: false,
              }),
            ],
            controllers: [AccountController],
          }),
        );
      }
    }, 30_000);

    afterAll(async () => {
      await Promise.all(admins.map((admin) => admin.config('SET', 'maxclients', '10000')));
      await Promise.all(apps.map((app) => app.close()));
      await Promise.all(clients.map((client) => client.quit()));
      admins.forEach((admin) => admin.disconnect());
      await handle.stop();
    });

    const subscribers = async () => {
      const counts = await Promise.all(
        admins.map(
          async (admin) => (await admin.pubsub('NUMSUB', `${prefix}invalidations`))[1] as number,
        ),
      );
      return counts.reduce((a, b) => a + b, 0);
    };

    it('refuses on B a session signed out on A while B had no subscriber connection', async () => {
      const [a, b] = apps;
      const login = await request(a.getHttpServer())
        .post('/login')
        .send({ userId: 'gap' })
        .expect(200);
      const cookie = cookieFrom(login)!;
      await request(b.getHttpServer()).get('/me').set('Cookie', cookie).expect(200);
      const before = readsOnB();
      await request(b.getHttpServer()).get('/me').set('Cookie', cookie).expect(200);
      expect(readsOnB()).toBe(before); // cached on B
      expect(await subscribers()).toBe(2);
      await Promise.all(clients[0].nodes('all').map((node) => node.ping())); // A connected to every node

      await Promise.all(admins.map((admin) => admin.config('SET', 'maxclients', '1')));
      const killed = await Promise.all(
        admins.map((admin) => admin.client('KILL', 'TYPE', 'pubsub')),
      );
      console.info('subscriber connections killed per node', killed);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await subscribers()).toBe(0);
      await request(a.getHttpServer()).post('/logout').set('Cookie', cookie).expect(204);
      await Promise.all(admins.map((admin) => admin.config('SET', 'maxclients', '10000')));
      await eventually(async () => (await subscribers()) === 2);

      const res = await request(b.getHttpServer()).get('/me').set('Cookie', cookie);
      console.info(
        'B answers the signed-out session with',
        res.status,
        '; store reads on B since:',
        readsOnB() - before,
      );
      expect(res.status).toBe(401);
    });
  },
);
