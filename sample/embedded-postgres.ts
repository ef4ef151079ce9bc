import { PGlite } from '@electric-sql/pglite';
import type { ExecProtocolOptionsStream } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** Options of {@link startEmbeddedPostgres}. */
export interface EmbeddedPostgresOptions {
  /** Where the database files live; in memory (gone on stop) when omitted. */
  dataDir?: string;
  /** Loopback port to listen on; `0` (the default) picks a free one. */
  port?: number;
}

/** A running embedded Postgres: its connection URL, and how to stop it. */
export interface EmbeddedPostgres {
  /** A `postgres://` URL the `pg` driver (and so TypeORM) accepts. */
  url: string;
  /** Closes every connection, stops listening and shuts the database down. */
  stop(): Promise<void>;
}

/**
 * Connections accepted at once. PGlite runs one backend, so they share it (queries are
 * queued); a generous limit lets several `pg` pools (e.g. parallel Jest workers) connect.
 */
const MAX_CONNECTIONS = 200;

/** Extended-protocol messages after which the backend waits for more of the same batch. */
const BATCH_MESSAGES = new Set(['P', 'B', 'D', 'E', 'C', 'H'].map((c) => c.charCodeAt(0)));
/** Messages that end a batch: Sync and simple Query. */
const BATCH_END_MESSAGES = new Set(['S', 'Q'].map((c) => c.charCodeAt(0)));

/**
 * PGlite that reports an unfinished extended-protocol batch (Parse … Sync) as a transaction.
 *
 * `PGLiteSocketServer` queues single protocol messages from all connections and keeps
 * messages of one connection together only while `isInTransaction()`. A batch split over
 * two TCP reads (a large parameter) could otherwise interleave with another connection's
 * batch and bind against its unnamed statement (electric-sql/pglite#1046). Reporting the
 * open batch as a transaction keeps each batch whole.
 */
class BatchAwarePGlite extends PGlite {
  private batchOpen = false;

  override async execProtocolRawStream(
    message: Uint8Array,
    options: ExecProtocolOptionsStream,
  ): Promise<void> {
    const type = message[0] ?? 0;
    if (BATCH_MESSAGES.has(type)) this.batchOpen = true;
    else if (BATCH_END_MESSAGES.has(type)) this.batchOpen = false;
    return super.execProtocolRawStream(message, options);
  }

  override isInTransaction(): boolean {
    return this.batchOpen || super.isInTransaction();
  }
}

/**
 * Starts PostgreSQL in this process (PGlite, Postgres compiled to WebAssembly) and serves it
 * over the Postgres wire protocol on 127.0.0.1, so the ordinary `pg` driver, the same SQL
 * and the same migrations run against it. For laptops with no database installed: the
 * sample app and the tests use it when `DATABASE_URL` is unset.
 *
 * All connections share PGlite's single backend: transactions of different connections
 * run one after the other, and advisory locks never conflict between them.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions = {},
): Promise<EmbeddedPostgres> {
  const db = new BatchAwarePGlite(
    options.dataDir === undefined ? {} : { dataDir: options.dataDir },
  );
  await db.waitReady;
  const server = new PGLiteSocketServer({
    db,
    host: '127.0.0.1',
    port: options.port ?? 0,
    maxConnections: MAX_CONNECTIONS,
  });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw error;
  }
  const port = server.getServerConn().split(':').pop();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
