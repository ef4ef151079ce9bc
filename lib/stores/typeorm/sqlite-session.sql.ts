import { JsonTextSessionSql } from './json-text-session.sql.js';
import { driverError, toUtcDatetime } from './session-sql.dialect.js';
import type { SchemaFault, SqlStatement } from './session-sql.dialect.js';

/**
 * The SQL of `TypeOrmSessionStore` on SQLite (`better-sqlite3`): data is JSON text, dates
 * are UTC `YYYY-MM-DD HH:MM:SS.mmm` text (as TypeORM writes SQLite dates), which sorts and
 * compares in time order. SQLite has one writer at a time, so each statement is atomic and
 * the sweep needs no lock.
 */
export class SqliteSessionSql extends JsonTextSessionSql {
  constructor(table: string) {
    super(table, (column) => column, 'json(?)');
  }

  /** `DELETE ... LIMIT` needs a compile-time option in SQLite, so the batch is a subquery. */
  deleteExpired(now: Date, limit: number): SqlStatement {
    const sql =
      `DELETE FROM ${this.table} WHERE id IN (SELECT id FROM ${this.table} ` +
      'WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)';
    return { sql, params: [toUtcDatetime(now), limit] };
  }

  /** SQLite has one code for every SQL error (`SQLITE_ERROR`): its message tells them apart. */
  schemaFault(error: unknown): SchemaFault {
    const message = String(driverError(error).message);
    if (message.startsWith('no such table:')) return 'table';
    if (message.startsWith('no such column:')) return 'column';
    return undefined;
  }
}
