// connect-pg-simple ships no types: the part the benchmark uses.
declare module 'connect-pg-simple' {
  import type { Pool } from 'pg';

  interface PgStoreOptions {
    pool?: Pool;
    schemaName?: string;
    tableName?: string;
    createTableIfMissing?: boolean;
    disableTouch?: boolean;
    pruneSessionInterval?: false | number;
  }

  /** Takes express-session (or @fastify/session) and returns its Store subclass. */
  function connectPgSimple(session: unknown): new (options: PgStoreOptions) => unknown;
  export = connectPgSimple;
}
