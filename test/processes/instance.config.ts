/** Where an instance keeps its sessions. */
export type InstanceStoreConfig =
  | {
      kind: 'postgres';
      /** Postgres itself, or a pooler in front of it. */
      url: string;
      /** The schema whose `sessions` table every instance shares (already migrated). */
      schema: string;
      /** `false` behind a transaction pooler (`TypeOrmSessionStoreOptions`). */
      preparedStatements: boolean;
      /** Postgres itself, for `invalidationDataSource`, when `url` is a transaction pooler. */
      invalidationUrl?: string;
    }
  | {
      kind: 'redis-cluster';
      /** Seed nodes of the cluster. */
      nodes: { host: string; port: number }[];
      /** The `RedisSessionStore` prefix every instance shares. */
      prefix: string;
    };

/** Everything one instance process (`instance.app.ts`) is started with. */
export interface InstanceConfig {
  store: InstanceStoreConfig;
  adapter: 'express' | 'fastify';
  sockets: 'socket.io' | 'ws';
  /** `cache: { ttl: '1h' }` when true. */
  cache: boolean;
  /** `cleanup.batchSize`; the scheduled sweep never comes (1 h), only the `/sweep` route. */
  sweepBatch: number;
}

/** The environment variable carrying an {@link InstanceConfig} as JSON. */
export const INSTANCE_CONFIG_ENV = 'NESTJS_SESSIONS_INSTANCE_CONFIG';

/** The signing secret every instance shares (one app deployed several times). */
export const INSTANCE_SECRET = 'p'.repeat(32);

/** The line an instance prints once it listens: `ready <port>`. */
export const READY_LINE = /^ready (\d+)$/m;

/** What `GET /stats` answers. */
export interface InstanceStats {
  /** `find` calls that reached the store under the read cache (all of them without a cache). */
  storeReads: number;
  /** Ids of the sessions this instance's sweeps deleted (`session.expired` events), in order. */
  expired: string[];
}

/** The config in the environment of an instance process; throws when absent or malformed. */
export function instanceConfigFromEnv(env: NodeJS.ProcessEnv): InstanceConfig {
  const json = env[INSTANCE_CONFIG_ENV];
  if (!json) throw new Error(`${INSTANCE_CONFIG_ENV} is not set`);
  const config = JSON.parse(json) as InstanceConfig;
  if (config.store?.kind !== 'postgres' && config.store?.kind !== 'redis-cluster') {
    throw new Error(`${INSTANCE_CONFIG_ENV}: unknown store ${JSON.stringify(config.store)}`);
  }
  return config;
}
