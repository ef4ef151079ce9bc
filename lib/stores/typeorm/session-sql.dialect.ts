import { createHash } from 'node:crypto';
import type { DataSourceOptions } from 'typeorm';
import type { SessionPatch, SessionRecord } from '../session-record.interface.js';

/** One parameterised statement. */
export interface SqlStatement {
  sql: string;
  params: unknown[];
}

/** Every column of the sessions table that the store reads or writes. */
export const SESSION_COLUMNS = [
  'id',
  'user_id',
  'data',
  'created_at',
  'last_seen_at',
  'expires_at',
  'authenticated_at',
  'user_agent',
  'ip',
] as const;

/**
 * What a failed statement says about the schema: the table does not exist, or one of the
 * columns it names does not; `undefined` for any other fault (connection, timeout, server).
 */
export type SchemaFault = 'table' | 'column' | undefined;

/** The SQL families `TypeOrmSessionStore` speaks; each has its own dialect and entity. */
export type SessionSqlFamily = 'postgres' | 'mysql' | 'sqlite';

/**
 * The family of a TypeORM driver type, or `undefined` for a driver the store does not
 * support. `mysql` covers both TypeORM's `mysql` and `mariadb` types (one driver, mysql2).
 */
export function sessionSqlFamily(type: DataSourceOptions['type']): SessionSqlFamily | undefined {
  switch (type) {
    case 'postgres':
      return 'postgres';
    case 'mariadb':
    case 'mysql':
      return 'mysql';
    case 'better-sqlite3':
      return 'sqlite';
    default:
      return undefined;
  }
}

/**
 * The SQL of `TypeOrmSessionStore` in one database's dialect, for one table. Every method
 * returns exactly one parameterised statement; the store runs it and maps what comes back.
 */
export interface SessionSqlDialect {
  find(id: string, now: Date): SqlStatement;
  /** The live sessions among `ids`, in one statement: where set, concurrent reads are batched. */
  findMany?(ids: string[], now: Date): SqlStatement;
  create(record: SessionRecord): SqlStatement;
  /** One UPDATE of the live row that merges data keys in SQL (see `SessionStore.patch`). */
  patch(id: string, patch: SessionPatch, now: Date): SqlStatement;
  delete(id: string): SqlStatement;
  findByUser(userId: string, now: Date): SqlStatement;
  /** The user's live sessions (but `exceptId`); expired ones are left to the sweep. */
  deleteByUser(userId: string, now: Date, exceptId?: string): SqlStatement;
  deleteExpired(now: Date, limit: number): SqlStatement;
  /**
   * `true` when `deleteByUser` and `deleteExpired` answer the rows they deleted (`id, user_id`:
   * `RETURNING`); else, to report them, the store reads them first
   * ({@link findByUser}, {@link expiredRows}) and deletes what it read ({@link deleteIds}).
   */
  readonly deletesReturnRows: boolean;
  /** Where `deletesReturnRows` is `false`: `id, user_id` of the rows `deleteExpired` would delete. */
  expiredRows?(now: Date, limit: number): SqlStatement;
  /** Deletes the rows with these ids (at least one), only while expired at `expiredAt` if given. */
  deleteIds(ids: readonly string[], expiredAt?: Date): SqlStatement;
  /**
   * A lock on one user's sessions, for `createWithinLimit`'s transaction: `acquire` waits for
   * it (at most `timeoutMs`); `release`, when set, is run after the transaction ends (else the
   * transaction's end releases it). `undefined` where the database has one writer (SQLite).
   */
  userLock?(userId: string, timeoutMs: number): { acquire: SqlStatement; release?: SqlStatement };
  /**
   * When set, `deleteExpired` runs between these two on one connection: `acquire` answers one
   * row whose `acquired` is 1 when this instance may sweep now (else it sweeps nothing).
   */
  readonly sweepLock?: { acquire: SqlStatement; release: SqlStatement };
  /** A row of `find` / `findByUser`, as the driver returns it. */
  toRecord(row: object): SessionRecord;
  /**
   * The startup check: a statement that reads no row but fails unless the table and each of
   * `columns` exist.
   */
  selectNothing(columns: readonly string[]): SqlStatement;
  /** Whether `error`, thrown by a statement on this table, says the table or a column is missing. */
  schemaFault(error: unknown): SchemaFault;
}

/** A lock name (MariaDB) or key (PostgreSQL) seed for one user's sessions in one table. */
export function userLockSeed(table: string, userId: string): Buffer {
  return createHash('sha256').update(`nestjs-sessions:user:${table}:${userId}`).digest();
}

/**
 * The driver's own error behind `error`: TypeORM wraps it (`QueryFailedError.driverError`),
 * the Postgres hot path throws `pg`'s as is.
 */
export function driverError(error: unknown): { code?: unknown; message?: unknown } {
  if (typeof error !== 'object' || error === null) return {};
  const wrapped = (error as { driverError?: unknown }).driverError;
  return typeof wrapped === 'object' && wrapped !== null ? wrapped : error;
}

/** `date` as UTC `YYYY-MM-DD HH:MM:SS.mmm`, how DATETIME(3) and SQLite's TypeORM dates are kept. */
export function toUtcDatetime(date: Date): string {
  return date.toISOString().replace('T', ' ').slice(0, 23);
}

/** The inverse of {@link toUtcDatetime} (whole seconds accepted too). */
export function fromUtcDatetime(text: string): Date {
  return new Date(`${text.replace(' ', 'T')}Z`);
}

/**
 * The JSON path of one top-level key, `$."key"`, for a bound parameter: the key is written as
 * a JSON string (quotes, backslashes and control characters escaped), the same spelling as
 * in the stored document, so any key (dots, quotes, `*`, emoji) names exactly itself.
 */
export function jsonKeyPath(key: string): string {
  return `$.${JSON.stringify(key)}`;
}
