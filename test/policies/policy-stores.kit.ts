import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { MemorySessionStore, RedisSessionStore, TypeOrmSessionStore } from '../../lib/index.js';
import type { SessionStore } from '../../lib/index.js';
import { createTestSchema } from '../support/database.js';
import {
  deleteKeysWithPrefix,
  keysWithPrefix,
  testRedisUrl,
  uniquePrefix,
} from '../support/redis.js';

export type StoreName = 'memory' | 'postgres' | 'redis';

/**
 * One backing database for a suite: PostgreSQL (a schema of its own, through TypeORM), Redis
 * (a key prefix of its own) or memory. Every `open()` gives a store object of its own, with its
 * own connection (DataSource, ioredis client) on that same database: several instances of one
 * app. Memory stores share nothing: each `open()` is a new, empty store.
 */
export interface StoreKit {
  readonly name: StoreName;
  open(): Promise<SessionStore>;
  /**
   * The live sessions of `userId`, counted in the database itself (SQL, Redis hashes), not
   * through `SessionService`. Memory: the stores' own `findByUser`, summed.
   */
  countLive(userId: string): Promise<number>;
  /** Closes every connection opened and removes the schema / keys. */
  close(): Promise<void>;
}

export type StoreKitFactory = () => Promise<StoreKit>;

/**
 * The kits a policy suite runs on: PostgreSQL, Redis when one answers (else `testRedisUrl`
 * says loudly that the Redis suites did not run), and memory unless `memory: false`.
 */
export async function storeKits(
  suite: string,
  options: { memory?: boolean } = {},
): Promise<[StoreName, StoreKitFactory][]> {
  const redisUrl = await testRedisUrl(suite);
  const kits: [StoreName, StoreKitFactory][] = [];
  if (options.memory !== false) kits.push(['memory', () => Promise.resolve(memoryKit())]);
  kits.push(['postgres', postgresKit]);
  if (redisUrl) kits.push(['redis', () => Promise.resolve(redisKit(redisUrl))]);
  return kits;
}

function memoryKit(): StoreKit {
  const stores: MemorySessionStore[] = [];
  return {
    name: 'memory',
    open: () => {
      const store = new MemorySessionStore();
      stores.push(store);
      return Promise.resolve(store);
    },
    countLive: async (userId) => {
      const now = new Date();
      const found = await Promise.all(stores.map((store) => store.findByUser(userId, now)));
      return found.reduce((sum, records) => sum + records.length, 0);
    },
    close: () => Promise.resolve(),
  };
}

async function postgresKit(): Promise<StoreKit> {
  const schema = await createTestSchema();
  const table = `"${schema.name}"."sessions"`;
  const dataSources: DataSource[] = [];
  const admin = new DataSource(schema.typeOrmOptions); // runs the migrations
  await admin.initialize();
  return {
    name: 'postgres',
    open: async () => {
      const dataSource = new DataSource({ ...schema.typeOrmOptions, migrationsRun: false });
      dataSources.push(dataSource);
      await dataSource.initialize();
      return new TypeOrmSessionStore(dataSource);
    },
    countLive: async (userId) => {
      const [row] = await admin.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM ${table} WHERE user_id = $1 AND expires_at > now()`,
        [userId],
      );
      return row.n;
    },
    close: async () => {
      await Promise.all(dataSources.map((dataSource) => dataSource.destroy()));
      await admin.destroy();
      await schema.drop();
    },
  };
}

function redisKit(url: string): StoreKit {
  const prefix = uniquePrefix();
  const admin = new Redis(url);
  const clients: Redis[] = [];
  return {
    name: 'redis',
    open: () => {
      const client = new Redis(url);
      clients.push(client);
      return Promise.resolve(new RedisSessionStore(client, { prefix }));
    },
    countLive: async (userId) => {
      // a session's hash is `<prefix>{<id>}`; the user indexes and locks are `<prefix>user:…`, `lock:…`
      const sessionKeys = (await keysWithPrefix(admin, prefix)).filter((key) =>
        key.startsWith(`${prefix}{`),
      );
      const now = Date.now();
      let live = 0;
      for (const key of sessionKeys) {
        const [owner, expiresAt] = await admin.hmget(key, 'userId', 'expiresAt');
        if (owner === userId && Number(expiresAt) > now) live++;
      }
      return live;
    },
    close: async () => {
      await deleteKeysWithPrefix(admin, prefix);
      await Promise.all([...clients, admin].map((client) => client.quit()));
    },
  };
}
