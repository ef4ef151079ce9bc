import { createHash } from 'node:crypto';
import { JsonTextSessionSql } from './json-text-session.sql.js';
import { driverError, toUtcDatetime, userLockSeed } from './session-sql.dialect.js';
import type { SchemaFault, SqlStatement } from './session-sql.dialect.js';

/** mysql2's codes for a missing table (1146) and an unknown column (1054). */
const SCHEMA_FAULTS: Record<string, SchemaFault> = {
  ER_NO_SUCH_TABLE: 'table',
  ER_BAD_FIELD_ERROR: 'column',
};

/**
 * The name of the sweep's lock on one table: `GET_LOCK` names are server-wide, so it is
 * derived from the database and the table, and kept under MySQL's 64-character limit.
 */
export function sweepLockName(database: string, table: string): string {
  const digest = createHash('sha256').update(`${database}.${table}`).digest('hex');
  return `nestjs-sessions:sweep:${digest.slice(0, 32)}`;
}

/**
 * The SQL of `TypeOrmSessionStore` on MariaDB and MySQL (data a `JSON` column, dates
 * `DATETIME(3)` in UTC). Dates are read with `CAST(... AS CHAR)`, so what comes back does not
 * depend on the driver's `timezone` option. JSON values are bound as text and turned into
 * JSON with `JSON_EXTRACT(?, '$')`.
 */
export class MariaDbSessionSql extends JsonTextSessionSql {
  /**
   * `GET_LOCK(name, 0)`: a sweep on another connection makes this one sweep nothing rather
   * than wait. Session-level, so the store runs both around the DELETE on one connection.
   */
  readonly sweepLock: { acquire: SqlStatement; release: SqlStatement };

  constructor(table: string, lockName: string) {
    super(table, (column) => `CAST(${column} AS CHAR) AS ${column}`, "JSON_EXTRACT(?, '$')");
    this.sweepLock = {
      acquire: { sql: 'SELECT GET_LOCK(?, 0) AS acquired', params: [lockName] },
      release: { sql: 'SELECT RELEASE_LOCK(?) AS released', params: [lockName] },
    };
  }

  /** `GET_LOCK` on the user (session-level: released by the store after the transaction). */
  userLock(userId: string, timeoutMs: number): { acquire: SqlStatement; release: SqlStatement } {
    const name = `nestjs-sessions:user:${userLockSeed(this.table, userId).toString('hex', 0, 16)}`;
    const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
    return {
      acquire: { sql: 'SELECT GET_LOCK(?, ?) AS acquired', params: [name, seconds] },
      release: { sql: 'SELECT RELEASE_LOCK(?) AS released', params: [name] },
    };
  }

  /** The oldest expired rows first, at most `limit`, in one DELETE (InnoDB row locks). */
  deleteExpired(now: Date, limit: number): SqlStatement {
    const sql = `DELETE FROM ${this.table} WHERE expires_at <= ? ORDER BY expires_at LIMIT ?`;
    return { sql, params: [toUtcDatetime(now), limit] };
  }

  schemaFault(error: unknown): SchemaFault {
    return SCHEMA_FAULTS[String(driverError(error).code)];
  }
}
