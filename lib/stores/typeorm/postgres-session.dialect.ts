import type { SessionPatch, SessionRecord } from '../session-record.interface.js';
import { PostgresSessionSql, toSessionRecord } from './postgres-session.sql.js';
import type { SessionRow, SqlStatement } from './postgres-session.sql.js';
import type { SessionSqlDialect } from './session-sql.dialect.js';

/** {@link PostgresSessionSql} behind the dialect interface: the same statements, unchanged. */
export class PostgresSessionDialect implements SessionSqlDialect {
  private readonly sql: PostgresSessionSql;

  constructor(table: string) {
    this.sql = new PostgresSessionSql(table);
  }

  find(id: string, now: Date): SqlStatement {
    return { sql: this.sql.find, params: [id, now] };
  }

  create(record: SessionRecord): SqlStatement {
    return { sql: this.sql.create, params: this.sql.createParams(record) };
  }

  patch(id: string, patch: SessionPatch, now: Date): SqlStatement {
    return this.sql.patch(id, patch, now);
  }

  delete(id: string): SqlStatement {
    return { sql: this.sql.delete, params: [id] };
  }

  findByUser(userId: string, now: Date): SqlStatement {
    return { sql: this.sql.findByUser, params: [userId, now] };
  }

  deleteByUser(userId: string, exceptId?: string): SqlStatement {
    return exceptId === undefined
      ? { sql: this.sql.deleteByUser, params: [userId] }
      : { sql: this.sql.deleteByUserExcept, params: [userId, exceptId] };
  }

  /** One statement; the advisory lock is taken inside it (see `PostgresSessionSql`). */
  deleteExpired(now: Date, limit: number): SqlStatement {
    return { sql: this.sql.deleteExpired, params: [now, limit] };
  }

  toRecord(row: object): SessionRecord {
    return toSessionRecord(row as SessionRow);
  }
}
