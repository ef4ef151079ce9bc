import type { SessionData, SessionPatch, SessionRecord } from '../session-record.interface.js';
import { fromUtcDatetime, jsonKeyPath, toUtcDatetime } from './session-sql.dialect.js';
import type { SchemaFault, SessionSqlDialect, SqlStatement } from './session-sql.dialect.js';

/** A row where dates come back as UTC text and data as JSON text (or parsed, on MySQL 8). */
interface JsonTextSessionRow {
  id: string;
  user_id: string | null;
  data: string | SessionData;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  authenticated_at: string | null;
  user_agent: string | null;
  ip: string | null;
}

const DATE_COLUMNS = ['created_at', 'last_seen_at', 'expires_at', 'authenticated_at'];

/**
 * The SQL shared by databases without `jsonb` and `timestamptz` (MariaDB/MySQL, SQLite):
 * `?` placeholders, data kept as JSON text and patched per key with `JSON_SET` /
 * `JSON_REMOVE` inside one UPDATE (atomic per statement), dates bound and read as UTC
 * `YYYY-MM-DD HH:MM:SS.mmm` text so the round trip is exact to the millisecond whatever the
 * connection's time zone. Each dialect adds how it reads a date column, how it turns a bound
 * JSON text into a JSON value, and its sweep.
 */
export abstract class JsonTextSessionSql implements SessionSqlDialect {
  private readonly select: string;

  /**
   * @param table the table path, already quoted.
   * @param readDate the select expression that reads a date column as UTC text.
   * @param jsonValue the expression that turns the bound JSON text `?` into a JSON value.
   */
  protected constructor(
    protected readonly table: string,
    readDate: (column: string) => string,
    private readonly jsonValue: string,
  ) {
    const columns = ['id', 'user_id', 'data', ...DATE_COLUMNS, 'user_agent', 'ip'];
    const select = columns.map((c) => (DATE_COLUMNS.includes(c) ? readDate(c) : c));
    this.select = `SELECT ${select.join(', ')} FROM ${table}`;
  }

  abstract deleteExpired(now: Date, limit: number): SqlStatement;

  readonly deletesReturnRows = false;

  expiredRows(now: Date, limit: number): SqlStatement {
    const sql =
      `SELECT id, user_id FROM ${this.table} WHERE expires_at <= ? ` +
      'ORDER BY expires_at LIMIT ?';
    return { sql, params: [toUtcDatetime(now), limit] };
  }

  deleteIds(ids: readonly string[], expiredAt?: Date): SqlStatement {
    const sql = `DELETE FROM ${this.table} WHERE id IN (${ids.map(() => '?').join(', ')})`;
    if (expiredAt === undefined) return { sql, params: [...ids] };
    return { sql: `${sql} AND expires_at <= ?`, params: [...ids, toUtcDatetime(expiredAt)] };
  }

  abstract schemaFault(error: unknown): SchemaFault;

  find(id: string, now: Date): SqlStatement {
    return {
      sql: `${this.select} WHERE id = ? AND expires_at > ?`,
      params: [id, toUtcDatetime(now)],
    };
  }

  create(record: SessionRecord): SqlStatement {
    const sql =
      `INSERT INTO ${this.table} (id, user_id, data, ${DATE_COLUMNS.join(', ')}, user_agent, ip) ` +
      'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)';
    const params = [
      record.id,
      record.userId,
      JSON.stringify(record.data),
      toUtcDatetime(record.createdAt),
      toUtcDatetime(record.lastSeenAt),
      toUtcDatetime(record.expiresAt),
      record.authenticatedAt && toUtcDatetime(record.authenticatedAt),
      record.userAgent,
      record.ip,
    ];
    return { sql, params };
  }

  /**
   * One UPDATE of the live row: each set key through `JSON_SET`, then each unset key through
   * `JSON_REMOVE` (so unset wins, as on Postgres), key paths bound as parameters. A touch
   * leaves the data column out of the statement altogether.
   */
  patch(id: string, patch: SessionPatch, now: Date): SqlStatement {
    const params: unknown[] = [toUtcDatetime(patch.lastSeenAt), toUtcDatetime(patch.expiresAt)];
    const assignments = ['last_seen_at = ?', 'expires_at = ?'];
    const set = jsonEntries(patch.set ?? {});
    const unset = patch.unset ?? [];
    if (set.length > 0 || unset.length > 0) {
      let data = 'data';
      if (set.length > 0) {
        data = `JSON_SET(${data}, ${set.map(() => `?, ${this.jsonValue}`).join(', ')})`;
        for (const [key, json] of set) params.push(jsonKeyPath(key), json);
      }
      if (unset.length > 0) {
        data = `JSON_REMOVE(${data}, ${unset.map(() => '?').join(', ')})`;
        params.push(...unset.map(jsonKeyPath));
      }
      assignments.push(`data = ${data}`);
    }
    if (patch.userId !== undefined) {
      assignments.push('user_id = ?');
      params.push(patch.userId);
    }
    if (patch.authenticatedAt !== undefined) {
      assignments.push('authenticated_at = ?');
      params.push(patch.authenticatedAt && toUtcDatetime(patch.authenticatedAt));
    }
    params.push(id, toUtcDatetime(now));
    const sql = `UPDATE ${this.table} SET ${assignments.join(', ')} WHERE id = ? AND expires_at > ?`;
    return { sql, params };
  }

  delete(id: string): SqlStatement {
    return { sql: `DELETE FROM ${this.table} WHERE id = ?`, params: [id] };
  }

  findByUser(userId: string, now: Date): SqlStatement {
    const sql = `${this.select} WHERE user_id = ? AND expires_at > ? ORDER BY created_at, id`;
    return { sql, params: [userId, toUtcDatetime(now)] };
  }

  deleteByUser(userId: string, now: Date, exceptId?: string): SqlStatement {
    const sql = `DELETE FROM ${this.table} WHERE user_id = ? AND expires_at > ?`;
    const params = [userId, toUtcDatetime(now)];
    return exceptId === undefined
      ? { sql, params }
      : { sql: `${sql} AND id <> ?`, params: [...params, exceptId] };
  }

  selectNothing(columns: readonly string[]): SqlStatement {
    return { sql: `SELECT ${columns.join(', ')} FROM ${this.table} WHERE 1 = 0`, params: [] };
  }

  toRecord(row: object): SessionRecord {
    const r = row as JsonTextSessionRow;
    return {
      id: r.id,
      userId: r.user_id,
      data: typeof r.data === 'string' ? (JSON.parse(r.data) as SessionData) : r.data,
      createdAt: fromUtcDatetime(r.created_at),
      lastSeenAt: fromUtcDatetime(r.last_seen_at),
      expiresAt: fromUtcDatetime(r.expires_at),
      authenticatedAt: r.authenticated_at === null ? null : fromUtcDatetime(r.authenticated_at),
      userAgent: r.user_agent,
      ip: r.ip,
    };
  }
}

/**
 * Each key with its value as JSON text, leaving out keys whose value JSON cannot hold
 * (`undefined`, functions), as `JSON.stringify` of the whole object does on the other stores.
 */
function jsonEntries(data: SessionData): [string, string][] {
  return Object.entries(data).flatMap(([key, value]) => {
    const json = JSON.stringify(value) as string | undefined;
    return json === undefined ? [] : [[key, json] as [string, string]];
  });
}
