import { Redis } from 'ioredis';
import { RedisSessionStore } from '../../lib/index.js';
import { describeCacheAcrossInstances } from '../support/cache-flow.js';
import { deleteKeysWithPrefix, testRedisUrl, uniquePrefix } from '../support/redis.js';

const redisUrl = await testRedisUrl('read cache on Redis');

if (redisUrl) {
  describeCacheAcrossInstances('Redis', () => {
    const prefix = uniquePrefix();
    const clients: Redis[] = [];
    return Promise.resolve({
      channelWorks: true,
      storeForInstance: () => {
        const client = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
        clients.push(client);
        return Promise.resolve(new RedisSessionStore(client, { prefix }));
      },
      teardown: async () => {
        await deleteKeysWithPrefix(clients[0], prefix);
        await Promise.all(clients.map((client) => client.quit()));
      },
    });
  });
} else {
  it('has no Redis to run the read-cache suite on (see the warning above)', () => {
    expect(redisUrl).toBeUndefined();
  });
}
