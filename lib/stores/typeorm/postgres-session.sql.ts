import { createHash } from 'node:crypto';
import type { SessionData, SessionPatch, SessionRecord } from '../session-record.interface.js';
import { driverError, SESSION_COLUMNS, userLockSeed } from './session-sql.dialect.js';
import type { SchemaFault, SessionSqlDialect, SqlStatement } from './session-sql.dialect.js';

/** A row of the `sessions` table as `pg` returns it (timestamptz → Date, jsonb → parsed). */
interface SessionRow {
  id: string;
  user_id: string | null;
  data: SessionData;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  authenticated_at: Date | null;
  user_agent: string | null;
  ip: string | null;
}

const COLUMNS = SESSION_COLUMNS.join(', ');

/** SQLSTATEs of a missing table (`undefined_table`) and column (`undefined_column`). */
const SCHEMA_FAULTS: Record<string, SchemaFault> = { '42P01': 'table', '42703': 'column' };

/** Maps a row to a record by hand (no entity hydration on the hot path). */
function toSessionRecord(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    data: row.data,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
    authenticatedAt: row.authenticated_at,
    userAgent: row.user_agent,
    ip: row.ip,
  };
}

/**
 * The advisory-lock key of the sweep on one table: a fixed signed 64-bit number derived from
 * the table's quoted path, so instances sharing a table share the key and other tables
 * (another schema, another app) do not contend.
 */
export function sweepLockKey(table: string): string {
  const digest = createHash('sha256').update(`nestjs-sessions:sweep:${table}`).digest();
  return digest.readBigInt64BE(0).toString();
}

/**
 * The SQL of `TypeOrmSessionStore` on PostgreSQL, for one table path (already quoted).
 * Every method is exactly one statement; the texts are built once.
 */
export class PostgresSessionSql implements SessionSqlDialect {
  private readonly findSql: string;
  private readonly findManySql: string;
  private readonly createSql: string;
  private readonly deleteSql: string;
  private readonly findByUserSql: string;
  private readonly deleteByUserSql: string;
  private readonly deleteByUserExceptSql: string;
  private readonly deleteIdsSql: string;
  readonly deletesReturnRows = true;
  /**
   * One statement, so one implicit transaction: the scalar subquery is an InitPlan run
   * once before the scan, taking the transaction-level advisory lock; when another
   * instance holds it, nothing is selected. The lock is released at the statement's
   * commit; `SKIP LOCKED` leaves rows a concurrent request is updating.
   */
  private readonly deleteExpiredSql: string;

  constructor(private readonly table: string) {
    this.findSql = `SELECT ${COLUMNS} FROM ${table} WHERE id = $1 AND expires_at > $2`;
    this.findManySql = `SELECT ${COLUMNS} FROM ${table} WHERE id = ANY($1) AND expires_at > $2`;
    this.createSql =
      `INSERT INTO ${table} (${COLUMNS}) ` + 'VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, $8, $9)';
    this.deleteSql = `DELETE FROM ${table} WHERE id = $1`;
    this.findByUserSql =
      `SELECT ${COLUMNS} FROM ${table} WHERE user_id = $1 AND expires_at > $2 ` +
      'ORDER BY created_at, id';
    const returning = ' RETURNING id, user_id';
    const byUser = `DELETE FROM ${table} WHERE user_id = $1 AND expires_at > $2`;
    this.deleteByUserSql = byUser + returning;
    this.deleteByUserExceptSql = `${byUser} AND id <> $3${returning}`;
    this.deleteIdsSql = `DELETE FROM ${table} WHERE id = ANY($1)`;
    this.deleteExpiredSql =
      `DELETE FROM ${table} WHERE id IN (SELECT id FROM ${table} ` +
      `WHERE expires_at <= $1 AND (SELECT pg_try_advisory_xact_lock(${sweepLockKey(table)})) ` +
      `ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)${returning}`;
  }

  find(id: string, now: Date): SqlStatement {
    return { sql: this.findSql, params: [id, now] };
  }

  findMany(ids: string[], now: Date): SqlStatement {
    return { sql: this.findManySql, params: [ids, now] };
  }

  create(record: SessionRecord): SqlStatement {
    const params = [
      record.id,
      record.userId,
      JSON.stringify(record.data),
      record.createdAt,
      record.lastSeenAt,
      record.expiresAt,
      record.authenticatedAt,
      record.userAgent,
      record.ip,
    ];
    return { sql: this.createSql, params };
  }

  /**
   * One UPDATE of the live row. Data keys are merged in SQL (`||` then `-`), so concurrent
   * patches of different keys all survive; a touch (no `set`, no `unset`) leaves the data
   * column out of the statement altogether.
   */
  patch(id: string, patch: SessionPatch, now: Date): SqlStatement {
    const params: unknown[] = [id, now, patch.lastSeenAt, patch.expiresAt];
    const assignments = ['last_seen_at = $3', 'expires_at = $4'];
    const param = (value: unknown): string => `$${params.push(value)}`;
    const hasSet = patch.set !== undefined && Object.keys(patch.set).length > 0;
    const hasUnset = patch.unset !== undefined && patch.unset.length > 0;
    if (hasSet || hasUnset) {
      let data = 'data';
      if (hasSet) data = `${data} || ${param(JSON.stringify(patch.set))}::jsonb`;
      if (hasUnset) data = `(${data}) - ${param(patch.unset)}::text[]`;
      assignments.push(`data = ${data}`);
    }
    if (patch.userId !== undefined) assignments.push(`user_id = ${param(patch.userId)}`);
    if (patch.authenticatedAt !== undefined) {
      assignments.push(`authenticated_at = ${param(patch.authenticatedAt)}`);
    }
    const sql =
      `UPDATE ${this.table} SET ${assignments.join(', ')} ` + 'WHERE id = $1 AND expires_at > $2';
    return { sql, params };
  }

  delete(id: string): SqlStatement {
    return { sql: this.deleteSql, params: [id] };
  }

  findByUser(userId: string, now: Date): SqlStatement {
    return { sql: this.findByUserSql, params: [userId, now] };
  }

  deleteByUser(userId: string, now: Date, exceptId?: string): SqlStatement {
    return exceptId === undefined
      ? { sql: this.deleteByUserSql, params: [userId, now] }
      : { sql: this.deleteByUserExceptSql, params: [userId, now, exceptId] };
  }

  deleteIds(ids: readonly string[], expiredAt?: Date): SqlStatement {
    if (expiredAt === undefined) return { sql: this.deleteIdsSql, params: [ids] };
    return { sql: `${this.deleteIdsSql} AND expires_at <= $2`, params: [ids, expiredAt] };
  }

  /** A transaction-level advisory lock: released when the transaction ends. */
  userLock(userId: string): { acquire: SqlStatement } {
    const key = userLockSeed(this.table, userId).readBigInt64BE(0).toString();
    return { acquire: { sql: 'SELECT pg_advisory_xact_lock($1::bigint)', params: [key] } };
  }

  /** One statement; the advisory lock is taken inside it (see `deleteExpiredSql`). */
  deleteExpired(now: Date, limit: number): SqlStatement {
    return { sql: this.deleteExpiredSql, params: [now, limit] };
  }

  toRecord(row: object): SessionRecord {
    return toSessionRecord(row as SessionRow);
  }

  selectNothing(columns: readonly string[]): SqlStatement {
    return { sql: `SELECT ${columns.join(', ')} FROM ${this.table} WHERE 1 = 0`, params: [] };
  }

  schemaFault(error: unknown): SchemaFault {
    return SCHEMA_FAULTS[String(driverError(error).code)];
  }
}
