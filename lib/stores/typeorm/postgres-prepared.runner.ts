import { createHash, randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { SESSION_MESSAGES } from '../../session.messages.js';
import { withDeadline } from '../store-deadline.util.js';
import { driverError } from './session-sql.dialect.js';
import type { SqlStatement } from './session-sql.dialect.js';

/** One statement as `pg` takes it: named (prepared) or not, with its read timeout. */
interface PgQueryConfig {
  name?: string;
  text: string;
  values: unknown[];
  query_timeout?: number;
}

/** The parts of `pg`'s pool and client this runner uses. */
interface PgClient {
  query(config: PgQueryConfig): Promise<{ rows: object[]; rowCount: number | null }>;
  /** `true` or an error: the connection is closed, not given back to the pool. */
  release(destroy?: boolean | Error): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
  off(event: 'error', listener: (error: Error) => void): unknown;
}
interface PgPool {
  connect(): Promise<PgClient>;
  /** What the pool was made with (TypeORM's `extra` included). */
  options?: { query_timeout?: number };
}

/** What one statement answered: its rows and how many rows it changed. */
export interface StatementResult {
  records: unknown[];
  affected: number;
}

/**
 * SQLSTATEs of a named statement that is not on the server connection it was sent to
 * (`invalid_sql_statement_name`) or already is (`duplicate_prepared_statement`): what a
 * transaction pooler causes by handing each transaction to any server connection. Raised at
 * Bind or Parse, so the statement did not run and may be sent again.
 */
const PREPARED_STATEMENT_MISMATCH = new Set(['26000', '42P05']);

/** The operation named when no pool connection comes within the timeout. */
const CONNECT = 'connect to the database';

/**
 * The per-request path on PostgreSQL: each statement straight on the DataSource's `pg` pool,
 * and no TypeORM query runner built around it.
 *
 * On a direct connection each statement is a named prepared statement, so Postgres parses and
 * plans it once per connection rather than on every request. Behind a transaction pooler
 * (PgBouncer `pool_mode = transaction`, managed poolers) a prepared statement does not follow
 * the client connection: the first statement that meets that (26000 or 42P05, nothing run)
 * switches the runner to unnamed statements for good, with one warning, and is sent again
 * unnamed, so no caller sees the error. `named: false` starts that way.
 *
 * Names are per connection (of this runner, told apart from every other runner by a random
 * tag) as well as per SQL text: where several client connections, of several apps or
 * processes, share one backend session (an embedded Postgres behind a multiplexer), a name
 * never meets a statement that another connection prepared.
 *
 * Bounds, once {@link configure}d with `storeTimeout`: getting a connection from the pool,
 * and each statement (`pg`'s `query_timeout`, or the pool's own when shorter). A connection
 * on which a statement failed or timed out is closed, never given back to the pool.
 */
export class PostgresPreparedRunner {
  private readonly logger = new Logger('SessionStore');
  private readonly connectionIds = new WeakMap<object, number>();
  private readonly textIds = new Map<string, string>();
  private connections = 0;
  private readonly tag = randomBytes(4).toString('hex');
  private timeout: number | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private named: boolean,
  ) {}

  /** `null` until the DataSource's pool exists (then the caller uses TypeORM). */
  get pool(): PgPool | null {
    return (this.dataSource.driver as unknown as { master?: PgPool }).master ?? null;
  }

  /** Bounds every later call by `timeout` ms (`storeTimeout`). */
  configure(timeout: number): void {
    this.timeout = timeout;
  }

  async run(pool: PgPool, statement: SqlStatement): Promise<StatementResult> {
    const client = await this.connect(pool);
    // A connection that dies while checked out also emits 'error': the failed query already
    // carries it, so here it must only not crash the process.
    const ignore = () => undefined;
    client.on('error', ignore);
    try {
      const result = await this.query(client, statement, this.queryTimeout(pool));
      client.off('error', ignore);
      client.release();
      return { records: result.rows, affected: result.rowCount ?? 0 };
    } catch (error) {
      client.off('error', ignore);
      client.release(true); // a broken, confused or timed-out connection is not reused
      throw error;
    }
  }

  private async query(client: PgClient, statement: SqlStatement, timeout: number | undefined) {
    const config: PgQueryConfig = {
      text: statement.sql,
      values: statement.params,
      query_timeout: timeout,
    };
    if (!this.named) return client.query(config);
    try {
      return await client.query({ ...config, name: this.nameFor(client, statement.sql) });
    } catch (error) {
      if (!PREPARED_STATEMENT_MISMATCH.has(String(driverError(error).code))) throw error;
      if (this.named) {
        this.named = false;
        this.logger.warn(SESSION_MESSAGES.preparedStatementsOff());
      }
      return client.query(config); // the connection answered and is ready for the next one
    }
  }

  /**
   * A pool connection within the timeout. One that comes later (the pool was busy, or the
   * network slow) is given straight back: nothing ran on it.
   */
  private connect(pool: PgPool): Promise<PgClient> {
    return withDeadline(pool.connect(), this.timeout ?? Infinity, CONNECT, (client) =>
      client.release(),
    );
  }

  /** The statement timeout: `storeTimeout`, or the pool's `query_timeout` when shorter. */
  private queryTimeout(pool: PgPool): number | undefined {
    const own = pool.options?.query_timeout;
    if (this.timeout === undefined) return own;
    return own && own > 0 ? Math.min(own, this.timeout) : this.timeout;
  }

  private nameFor(client: object, sql: string): string {
    let connection = this.connectionIds.get(client);
    if (connection === undefined) this.connectionIds.set(client, (connection = ++this.connections));
    let text = this.textIds.get(sql);
    if (text === undefined) {
      text = createHash('sha256').update(sql).digest('hex').slice(0, 12);
      this.textIds.set(sql, text);
    }
    return `nestjs_sessions_${text}_${this.tag}_${connection}`;
  }
}
