import { RedisSessionStore } from '../../lib/index.js';
import {
  clusterClient,
  deleteClusterKeysWithPrefix,
  hasRedisCluster,
  REDIS_CLI_BINARY,
  REDIS_SERVER_BINARY,
  startRedisCluster,
} from '../support/redis-cluster.js';
import { uniquePrefix } from '../support/redis.js';
import { sessionRecord } from '../stores/session-record.factory.js';
import { describeScaleOut } from './scale-out.flow.js';
import type { ScaleOutBackend } from './scale-out.flow.js';

/** A 3-master cluster of its own; the test's client seeds sessions with the instances' prefix. */
async function redisClusterBackend(): Promise<ScaleOutBackend> {
  const handle = await startRedisCluster(3);
  const client = clusterClient(handle);
  const prefix = uniquePrefix();
  const store = new RedisSessionStore(client, { prefix });
  return {
    store: { kind: 'redis-cluster', nodes: handle.nodes, prefix },
    expiry: {
      kind: 'self-expiring',
      seedExpiring: async (n, ms) => {
        const expiresAt = new Date(Date.now() + ms);
        const records = Array.from({ length: n }, (_, i) =>
          sessionRecord({ userId: `expiring-${i % 7}`, expiresAt }),
        );
        await Promise.all(records.map((record) => store.create(record)));
        return records.map(({ id }) => id);
      },
      // the documented layout: each session a hash at `<prefix>{<id>}`
      countStored: async (ids) => {
        const found = await Promise.all(ids.map((id) => client.exists(`${prefix}{${id}}`)));
        return found.reduce((a, b) => a + b, 0);
      },
    },
    teardown: async () => {
      try {
        await deleteClusterKeysWithPrefix(client, prefix);
        await client.quit();
      } finally {
        await handle.stop();
      }
    },
  };
}

describeScaleOut('a 3-master Redis Cluster', {
  setup: redisClusterBackend,
  channel: 'proven',
  sockets: 'ws',
  expiry: 'self-expiring',
  skip: hasRedisCluster()
    ? undefined
    : `no ${REDIS_SERVER_BINARY} or no ${REDIS_CLI_BINARY} (apt-get install redis-server, or ` +
      'set REDIS_SERVER_PATH and REDIS_CLI_PATH)',
});
