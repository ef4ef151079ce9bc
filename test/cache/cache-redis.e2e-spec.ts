import { Redis } from 'ioredis';
import { RedisSessionStore, SessionModule } from '../../lib/index.js';
import { describeCacheAcrossInstances } from '../support/cache-flow.js';
import { createHttpApp } from '../support/http-app.js';
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
}

// Needs no server: a client without `publish` / `duplicate` cannot carry invalidations.
it('refuses to start the cache on a Redis client that cannot publish', async () => {
  const client = {
    hgetall: () => Promise.resolve({}),
    evalsha: () => Promise.resolve(null),
    eval: () => Promise.resolve(null),
  };
  const start = createHttpApp('express', {
    imports: [
      SessionModule.forRoot({
        secret: 'r'.repeat(32),
        store: new RedisSessionStore(client),
        cache: { ttl: '1m' },
      }),
    ],
  });
  await expect(start).rejects.toThrow(/subscribeInvalidations\(\) is not supported by this store/);
});
