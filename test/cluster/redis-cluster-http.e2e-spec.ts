import 'reflect-metadata';
import type { Cluster } from 'ioredis';
import { RedisSessionStore } from '../../lib/index.js';
import { describeCacheAcrossInstances } from '../support/cache-flow.js';
import {
  clusterClient,
  clusterErrorCounts,
  deleteClusterKeysWithPrefix,
  describeOnRedisCluster,
  startClusterFor,
} from '../support/redis-cluster.js';
import type { RedisClusterHandle } from '../support/redis-cluster.js';
import { uniquePrefix } from '../support/redis.js';
import { describeStoreOverHttp } from '../support/store-http-flow.js';

const describeOnCluster = describeOnRedisCluster('test/cluster/redis-cluster-http.e2e-spec.ts');

describeOnCluster('the Redis store on a 3-master Redis Cluster, over HTTP', () => {
  let handle: RedisClusterHandle;

  beforeAll(async () => {
    handle = await startClusterFor('test/cluster/redis-cluster-http.e2e-spec.ts', 3);
  }, 30_000);

  afterAll(() => handle?.stop());

  describeStoreOverHttp('RedisSessionStore on Redis Cluster', () => {
    const client = clusterClient(handle);
    const prefix = uniquePrefix();
    return Promise.resolve({
      store: new RedisSessionStore(client, { prefix }),
      teardown: async () => {
        await deleteClusterKeysWithPrefix(client, prefix);
        await client.quit();
      },
    });
  });

  // Each instance has a Cluster client of its own; the read cache subscribes through its
  // `duplicate()`, to whichever node ioredis picks, and hears what the other instance
  // publishes on another node: Redis Cluster relays PUBLISH to every node.
  describeCacheAcrossInstances('Redis Cluster', () => {
    const prefix = uniquePrefix();
    const clients: Cluster[] = [];
    return Promise.resolve({
      channelWorks: true,
      storeForInstance: () => {
        const client = clusterClient(handle);
        clients.push(client);
        return Promise.resolve(new RedisSessionStore(client, { prefix }));
      },
      teardown: async () => {
        await deleteClusterKeysWithPrefix(clients[0], prefix);
        await Promise.all(clients.map((client) => client.quit()));
      },
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
