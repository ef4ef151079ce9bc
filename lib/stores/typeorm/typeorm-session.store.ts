import type { DataSource } from 'typeorm';
import { SESSION_MESSAGES } from '../../session.messages.js';
import type { SessionPatch, SessionRecord } from '../session-record.interface.js';
import { SessionStore } from '../session.store.js';
import { PostgresSessionSql, toSessionRecord } from './postgres-session.sql.js';
import type { SessionRow } from './postgres-session.sql.js';
import { SessionEntity } from './session.entity.js';

/** What `DataSource.query()` returns on postgres for UPDATE and DELETE: `[rows, rowCount]`. */
type AffectedResult = [unknown[], number];

/**
 * Sessions in a SQL table (`sessions`, see {@link SessionEntity}) through the app's TypeORM
 * `DataSource`: the default store. PostgreSQL for now.
 *
 * Every method is one parameterised SQL statement (no query builder, no entity hydration),
 * on the table path TypeORM resolves for `SessionEntity`, so a configured `schema` is
 * honoured. Data patches are merged per key inside the UPDATE, so concurrent requests that
 * change different keys never lose each other's change. The sweep deletes in small batches
 * and, through an advisory lock, runs on one instance at a time.
 *
 * @publicApi
 */
export class TypeOrmSessionStore extends SessionStore {
  private statements: PostgresSessionSql | undefined;

  /**
   * @param dataSource a postgres `DataSource` with `SessionEntity` in its `entities`; it
   * may still be initializing, the table is resolved at the first call.
   * @throws when the DataSource's driver is not postgres.
   */
  constructor(private readonly dataSource: DataSource) {
    super();
    if (dataSource.options.type !== 'postgres') {
      throw new Error(SESSION_MESSAGES.unsupportedDriver(dataSource.options.type));
    }
  }

  async find(id: string, now: Date): Promise<SessionRecord | null> {
    const rows = await this.query<SessionRow[]>(this.sql.find, [id, now]);
    return rows.length === 0 ? null : toSessionRecord(rows[0]);
  }

  async create(record: SessionRecord): Promise<void> {
    await this.query(this.sql.create, this.sql.createParams(record));
  }

  async patch(id: string, patch: SessionPatch): Promise<boolean> {
    const { sql, params } = this.sql.patch(id, patch, new Date());
    const [, count] = await this.query<AffectedResult>(sql, params);
    return count > 0;
  }

  async delete(id: string): Promise<void> {
    await this.query(this.sql.delete, [id]);
  }

  override async findByUser(userId: string, now: Date): Promise<SessionRecord[]> {
    const rows = await this.query<SessionRow[]>(this.sql.findByUser, [userId, now]);
    return rows.map(toSessionRecord);
  }

  override async deleteByUser(userId: string, exceptId?: string): Promise<number> {
    const [, count] =
      exceptId === undefined
        ? await this.query<AffectedResult>(this.sql.deleteByUser, [userId])
        : await this.query<AffectedResult>(this.sql.deleteByUserExcept, [userId, exceptId]);
    return count;
  }

  /**
   * Deletes up to `limit` expired sessions in one short statement. Returns 0 at once when
   * another instance is sweeping the same table (it holds the advisory lock).
   */
  override async deleteExpired(now: Date, limit: number): Promise<number> {
    const [, count] = await this.query<AffectedResult>(this.sql.deleteExpired, [now, limit]);
    return count;
  }

  /** The statements, built once, on the table path TypeORM resolved (schema included). */
  protected get sql(): PostgresSessionSql {
    if (this.statements) return this.statements;
    if (!this.dataSource.hasMetadata(SessionEntity)) {
      throw new Error(SESSION_MESSAGES.sessionEntityMissing());
    }
    const metadata = this.dataSource.getMetadata(SessionEntity);
    const path = metadata.schema ? [metadata.schema, metadata.tableName] : [metadata.tableName];
    const table = path.map((part) => this.dataSource.driver.escape(part)).join('.');
    this.statements = new PostgresSessionSql(table);
    return this.statements;
  }

  private query<T>(sql: string, params: unknown[]): Promise<T> {
    return this.dataSource.query<T>(sql, params);
  }
}
