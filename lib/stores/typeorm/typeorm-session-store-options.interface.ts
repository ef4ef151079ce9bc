import type { DataSource } from 'typeorm';

/** @publicApi */
export interface TypeOrmSessionStoreOptions {
  /**
   * PostgreSQL only: run each statement as a named prepared statement, parsed and planned
   * once per connection. Set `false` behind a transaction pooler (PgBouncer with
   * `pool_mode = transaction`, a managed database's transaction-mode pooler), where a
   * prepared statement does not follow the connection. Left `true`, the store also switches
   * to unnamed statements by itself, with one warning, the first time a prepared statement
   * is missing on the server connection.
   *
   * @default true
   */
  preparedStatements?: boolean;
  /**
   * PostgreSQL only: the `DataSource` the invalidation channel (`LISTEN/NOTIFY`: the read
   * cache, and disconnecting the sockets of ended sessions on every instance) uses instead of
   * the store's own. Behind a transaction pooler, where `LISTEN` cannot work, give it one on a
   * direct (or session-mode pooled) connection to the same database; it holds one connection
   * for listening and takes one briefly per ended session. The app initializes and destroys it.
   *
   * @default the store's own DataSource
   */
  invalidationDataSource?: DataSource;
}
