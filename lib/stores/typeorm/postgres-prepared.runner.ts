import { createHash, randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { SqlStatement } from './session-sql.dialect.js';

/** The parts of `pg`'s pool and client this runner uses. */
interface PgClient {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{
    rows: object[];
    rowCount: number | null;
  }>;
  release(destroy?: boolean): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
  off(event: 'error', listener: (error: Error) => void): unknown;
}
interface PgPool {
  connect(): Promise<PgClient>;
}

/** What one statement answered: its rows and how many rows it changed. */
export interface StatementResult {
  records: unknown[];
  affected: number;
}

/**
 * The per-request path on PostgreSQL: each statement straight on the DataSource's `pg` pool
 * as a named prepared statement, so Postgres parses and plans it once per connection rather
 * than on every request, and no TypeORM query runner is built around it.
 *
 * Names are per connection (of this runner, told apart from every other runner by a random
 * tag) as well as per SQL text: where several client connections, of several apps or
 * processes, share one backend session (an embedded Postgres behind a multiplexer), a name
 * never meets a statement that another connection prepared.
 */
export class PostgresPreparedRunner {
  private readonly connectionIds = new WeakMap<object, number>();
  private readonly textIds = new Map<string, string>();
  private connections = 0;
  private readonly tag = randomBytes(4).toString('hex');

  constructor(private readonly dataSource: DataSource) {}

  /** `null` until the DataSource's pool exists (then the caller uses TypeORM). */
  get pool(): PgPool | null {
    return (this.dataSource.driver as unknown as { master?: PgPool }).master ?? null;
  }

  async run(pool: PgPool, statement: SqlStatement): Promise<StatementResult> {
    const client = await pool.connect();
    // A connection that dies while checked out also emits 'error': the failed query already
    // carries it, so here it must only not crash the process.
    const ignore = () => undefined;
    client.on('error', ignore);
    try {
      const name = this.nameFor(client, statement.sql);
      const result = await client.query({ name, text: statement.sql, values: statement.params });
      client.off('error', ignore);
      client.release();
      return { records: result.rows, affected: result.rowCount ?? 0 };
    } catch (error) {
      client.off('error', ignore);
      client.release(true); // a broken or confused connection is not given back to the pool
      throw error;
    }
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
