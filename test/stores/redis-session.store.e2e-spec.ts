import { Redis } from 'ioredis';
import type { Cluster } from 'ioredis';
import { RedisSessionStore } from '../../lib/index.js';
import type { SessionStore } from '../../lib/index.js';
import {
  deleteKeysWithPrefix,
  testRedisUrl,
  uniquePrefix,
  unreachableRedis,
} from '../support/redis.js';
import { describeRedisSessionStoreKeys } from './redis-session.store-keys.js';
import { sessionRecord } from './session-record.factory.js';
import { describeSessionStoreContract } from './session-store.contract.js';

// Checked by `npm run typecheck`: an ioredis `Cluster` is accepted as well as a `Redis`.
void ((cluster: Cluster): SessionStore => new RedisSessionStore(cluster));

const redisUrl = await testRedisUrl('RedisSessionStore');

describe('RedisSessionStore with Redis down', () => {
  let client: Redis;
  let store: RedisSessionStore;

  beforeEach(async () => {
    client = await unreachableRedis();
    store = new RedisSessionStore(client);
  });

  afterEach(() => client.disconnect());

  it('rejects every call with the connection error (the library answers 503)', async () => {
    const record = sessionRecord({ userId: 'u' });
    const touch = { lastSeenAt: new Date(), expiresAt: record.expiresAt };
    const calls: Promise<unknown>[] = [
      store.find(record.id, new Date()),
      store.create(record),
      store.patch(record.id, touch),
      store.delete(record.id),
      store.findByUser('u', new Date()),
      store.deleteByUser('u'),
    ];
    for (const call of calls) await expect(call).rejects.toThrow(/writeable|closed|connect/i);
  });
});

if (redisUrl) {
  describeSessionStoreContract(
    'RedisSessionStore',
    () => {
      const client = new Redis(redisUrl);
      const prefix = uniquePrefix();
      return Promise.resolve({
        store: new RedisSessionStore(client, { prefix }),
        teardown: async () => {
          await deleteKeysWithPrefix(client, prefix);
          await client.quit();
        },
      });
    },
    { byUser: true, sweep: false },
  );

  describeRedisSessionStoreKeys(redisUrl);
}
