import type { DataSource, QueryRunner } from 'typeorm';
import { SESSION_MESSAGES } from '../../session.messages.js';
import type {
  DeletedSession,
  SessionInvalidation,
  SessionInvalidationListener,
  SessionLimit,
  SessionLimitOutcome,
  SessionPatch,
  SessionRecord,
} from '../session-record.interface.js';
import { REFUSED, sessionsToRevoke } from '../session-limit.util.js';
import { SessionStore } from '../session.store.js';
import type { SessionStoreSettings } from '../session.store.js';
import { MariaDbSessionSql, sweepLockName } from './mariadb-session.sql.js';
import { PortableSessionEntity } from './portable-session.entity.js';
import { PostgresInvalidationChannel } from './postgres-invalidation.channel.js';
import { PostgresPreparedRunner } from './postgres-prepared.runner.js';
import type { StatementResult } from './postgres-prepared.runner.js';
import { PostgresSessionSql } from './postgres-session.sql.js';
import { SessionReadBatcher } from './session-read.batcher.js';
import { SessionEntity } from './session.entity.js';
import { sessionSqlFamily } from './session-sql.dialect.js';
import type { SessionSqlDialect, SessionSqlFamily, SqlStatement } from './session-sql.dialect.js';
import { checkSessionTable, whenInitialized } from './session-table.check.js';
import { SqliteSessionSql } from './sqlite-session.sql.js';

/** @publicApi */
export interface TypeOrmSessionStoreOptions {
  /**
   * PostgreSQL only: run each statement as a named prepared statement, parsed and planned
   * once per connection. Set `false` behind a transaction pooler (PgBouncer with
   * `pool_mode = transaction`, a managed database's transaction-mode pooler), where a
   * prepared statement does not follow the connection. Left `true`, the store also switches
   * to unnamed statements by itself, with one warning, the first time a prepared statement
   * is missing on the server connection.
   *
   * @default true
   */
  preparedStatements?: boolean;
}

/** The id columns of a deleted (or about to be deleted) row. */
interface RowIds {
  id: string;
  user_id: string | null;
  expires_at?: Date;
}

/** The rows a `RETURNING` delete answered; with `liveAt`, only those still live then. */
function deletedRows(records: unknown[], liveAt?: Date): DeletedSession[] {
  return (records as RowIds[])
    .filter((row) => !liveAt || (row.expires_at !== undefined && row.expires_at > liveAt))
    .map(({ id, user_id }) => ({ id, userId: user_id }));
}

/** Per SQL family: the entity that maps the table, and the dialect for a table path. */
interface SessionSqlBackend {
  entity: typeof SessionEntity | typeof PortableSessionEntity;
  dialect(table: string, dataSource: DataSource): SessionSqlDialect;
}

const BACKENDS: Record<SessionSqlFamily, SessionSqlBackend> = {
  postgres: { entity: SessionEntity, dialect: (table) => new PostgresSessionSql(table) },
  mysql: {
    entity: PortableSessionEntity,
    dialect: (table, dataSource) =>
      new MariaDbSessionSql(table, sweepLockName(String(dataSource.driver.database), table)),
  },
  sqlite: { entity: PortableSessionEntity, dialect: (table) => new SqliteSessionSql(table) },
};

/**
 * Sessions in a SQL table (`sessions`) through the app's TypeORM `DataSource`: the default
 * store. On PostgreSQL the table is {@link SessionEntity}'s; on MariaDB / MySQL (`mariadb`,
 * `mysql`) and SQLite (`better-sqlite3`) it is {@link PortableSessionEntity}'s.
 *
 * Every method is one parameterised SQL statement (no query builder, no entity hydration),
 * on the table path TypeORM resolves for the entity, so a configured `schema` is honoured.
 * Data patches are merged per key inside the UPDATE (`jsonb` operators on Postgres,
 * `JSON_SET` / `JSON_REMOVE` elsewhere), so concurrent requests that change different keys
 * never lose each other's change. The sweep deletes in small batches and runs on one
 * instance at a time: an advisory lock on Postgres, `GET_LOCK` on MariaDB/MySQL (taken and
 * released around the DELETE on one connection), SQLite's single writer.
 *
 * At startup ({@link initialize}) the store checks, with one statement, that its table and
 * every column it uses exist, so that a missing migration or entity stops boot. Behind a
 * transaction pooler (PgBouncer in transaction mode), see
 * {@link TypeOrmSessionStoreOptions.preparedStatements}.
 *
 * @publicApi
 */
export class TypeOrmSessionStore extends SessionStore {
  private readonly backend: SessionSqlBackend;
  private statements: SessionSqlDialect | undefined;
  private channel: PostgresInvalidationChannel | undefined;
  private readonly prepared: PostgresPreparedRunner | undefined;
  private batcher: SessionReadBatcher | undefined;
  /** SQLite: the end of the last capped sign-in queued on this store (see `createWithinLimit`). */
  private writerTurn: Promise<unknown> = Promise.resolve();
  /** `storeTimeout`, once {@link initialize}d. */
  private timeout = Infinity;

  /**
   * @param dataSource a postgres, mariadb, mysql or better-sqlite3 `DataSource` with the
   * session entity in its `entities`; it may still be initializing when the store is made
   * (it must be initialized by the end of {@link initialize}).
   * @throws when the DataSource's driver is none of those.
   */
  constructor(
    private readonly dataSource: DataSource,
    options: TypeOrmSessionStoreOptions = {},
  ) {
    super();
    const family = sessionSqlFamily(dataSource.options.type);
    if (!family) throw new Error(SESSION_MESSAGES.unsupportedDriver(dataSource.options.type));
    this.backend = BACKENDS[family];
    if (family === 'postgres') {
      this.prepared = new PostgresPreparedRunner(dataSource, options.preparedStatements ?? true);
    }
  }

  /**
   * Bounds every later call on PostgreSQL by `settings.timeout`, then checks that the
   * DataSource is initialized with the session entity, and that the table and its columns
   * exist: each of those missing stops boot with the fix. A database that does not answer
   * within the timeout is only logged (requests answer 503 until it does).
   */
  override async initialize(settings: SessionStoreSettings): Promise<void> {
    this.timeout = settings.timeout;
    this.prepared?.configure(settings.timeout);
    this.channel?.configure(settings.timeout);
    await whenInitialized(this.dataSource, settings.timeout);
    const run = (statement: SqlStatement) => this.run(statement);
    await checkSessionTable(run, this.sql, this.tablePath, settings.timeout);
  }

  /** Concurrent reads are batched into one statement where the dialect can (PostgreSQL). */
  async find(id: string, now: Date): Promise<SessionRecord | null> {
    return this.reads ? this.reads.find(id, now) : this.findOne(id, now);
  }

  private async findOne(id: string, now: Date): Promise<SessionRecord | null> {
    const { records } = await this.run(this.sql.find(id, now));
    return records.length === 0 ? null : this.sql.toRecord(records[0] as object);
  }

  private get reads(): SessionReadBatcher | undefined {
    const sql = this.sql;
    if (this.batcher || !sql.findMany) return this.batcher;
    const findMany = sql.findMany.bind(sql);
    return (this.batcher = new SessionReadBatcher(
      (id, now) => this.findOne(id, now),
      async (ids, now) => {
        const { records } = await this.run(findMany(ids, now));
        return records.map((row) => sql.toRecord(row as object));
      },
    ));
  }

  async create(record: SessionRecord): Promise<void> {
    await this.run(this.sql.create(record));
  }

  async patch(id: string, patch: SessionPatch): Promise<boolean> {
    const { affected } = await this.run(this.sql.patch(id, patch, new Date()));
    return affected > 0;
  }

  async delete(id: string): Promise<void> {
    await this.run(this.sql.delete(id));
  }

  override async findByUser(userId: string, now: Date): Promise<SessionRecord[]> {
    const { records } = await this.run(this.sql.findByUser(userId, now));
    return records.map((row) => this.sql.toRecord(row as object));
  }

  override async deleteByUser(
    userId: string,
    exceptId?: string,
    report?: (ids: string[]) => void,
  ): Promise<number> {
    const now = new Date();
    const before = report && !this.sql.deletesReturnRows && (await this.findByUser(userId, now));
    const { records, affected } = await this.run(this.sql.deleteByUser(userId, exceptId));
    if (before) report(before.map(({ id }) => id).filter((id) => id !== exceptId));
    else report?.(deletedRows(records, now).map(({ id }) => id));
    return affected;
  }

  /**
   * One transaction under a lock on the user (`pg_advisory_xact_lock`, `GET_LOCK` on MariaDB;
   * SQLite has one writer): the user's live sessions are read, the oldest deleted when `limit`
   * says so, and `record` inserted.
   */
  override async createWithinLimit(
    record: SessionRecord,
    limit: SessionLimit,
    now: Date,
  ): Promise<SessionLimitOutcome> {
    const wait = Number.isFinite(this.timeout) ? this.timeout : 5_000;
    const lock = this.sql.userLock?.(record.userId!, wait);
    if (!lock) {
      // one writer (SQLite): this process's own capped sign-ins queue, one transaction at a time
      const turn = this.writerTurn.then(() => this.transactWithinLimit(record, limit, now));
      this.writerTurn = turn.catch(() => undefined);
      return turn;
    }
    return this.transactWithinLimit(record, limit, now, lock);
  }

  private async transactWithinLimit(
    record: SessionRecord,
    limit: SessionLimit,
    now: Date,
    lock?: { acquire: SqlStatement; release?: SqlStatement },
  ): Promise<SessionLimitOutcome> {
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.startTransaction();
      try {
        if (lock) await this.acquire(lock.acquire, runner);
        const outcome = await this.admit(record, limit, now, runner);
        await runner.commitTransaction();
        return outcome;
      } catch (error) {
        await runner.rollbackTransaction();
        throw error;
      } finally {
        if (lock?.release) await this.run(lock.release, runner);
      }
    } finally {
      await runner.release();
    }
  }

  private async acquire(statement: SqlStatement, runner: QueryRunner): Promise<void> {
    const [row] = (await this.run(statement, runner)).records as { acquired?: unknown }[];
    if (row && 'acquired' in row && Number(row.acquired) !== 1) {
      throw new Error(SESSION_MESSAGES.userLockTimedOut(Number(this.timeout)));
    }
  }

  private async admit(
    record: SessionRecord,
    limit: SessionLimit,
    now: Date,
    runner: QueryRunner,
  ): Promise<SessionLimitOutcome> {
    const { records } = await this.run(this.sql.findByUser(record.userId!, now), runner);
    const live = records.map((row) => this.sql.toRecord(row as object));
    const revoked = sessionsToRevoke(live, limit);
    if (revoked === null) return REFUSED;
    if (revoked.length > 0) await this.run(this.sql.deleteIds(revoked), runner);
    await this.run(this.sql.create(record), runner);
    return { created: true, revoked };
  }

  /**
   * Deletes up to `limit` expired sessions in one short statement. Returns 0 at once when
   * another instance is sweeping the same table (it holds the sweep lock).
   */
  override async deleteExpired(
    now: Date,
    limit: number,
    report?: (sessions: DeletedSession[]) => void,
  ): Promise<number> {
    const lock = this.sql.sweepLock;
    if (!lock) return this.sweep(now, limit, report);
    const queryRunner = this.dataSource.createQueryRunner();
    try {
      const [{ acquired }] = (await this.run(lock.acquire, queryRunner)).records as {
        acquired: unknown;
      }[];
      if (Number(acquired) !== 1) return 0;
      try {
        return await this.sweep(now, limit, report, queryRunner);
      } finally {
        await this.run(lock.release, queryRunner);
      }
    } finally {
      await queryRunner.release();
    }
  }

  /** One batch of the sweep; to report it without `RETURNING`, the rows are read first. */
  private async sweep(
    now: Date,
    limit: number,
    report: ((sessions: DeletedSession[]) => void) | undefined,
    queryRunner?: QueryRunner,
  ): Promise<number> {
    const sql = this.sql;
    if (!report || sql.deletesReturnRows || !sql.expiredRows) {
      const { records, affected } = await this.run(sql.deleteExpired(now, limit), queryRunner);
      report?.(deletedRows(records));
      return sql.deletesReturnRows ? records.length : affected;
    }
    const rows = (await this.run(sql.expiredRows(now, limit), queryRunner)).records as RowIds[];
    if (rows.length === 0) return 0;
    const ids = rows.map(({ id }) => id);
    const { affected } = await this.run(sql.deleteIds(ids, now), queryRunner);
    report(rows.map(({ id, user_id }) => ({ id, userId: user_id })));
    return affected;
  }

  /** Read-cache invalidations over `LISTEN/NOTIFY` (PostgreSQL only). */
  override publishInvalidation(event: SessionInvalidation): Promise<void> {
    return this.invalidations?.publish(event) ?? super.publishInvalidation(event);
  }

  override subscribeInvalidations(
    listener: SessionInvalidationListener,
  ): Promise<() => Promise<void>> {
    return this.invalidations?.subscribe(listener) ?? super.subscribeInvalidations(listener);
  }

  private get invalidations(): PostgresInvalidationChannel | undefined {
    if (this.backend.entity !== SessionEntity) return undefined;
    if (!this.channel) {
      this.channel = new PostgresInvalidationChannel(this.dataSource, this.tablePath);
      this.channel.configure(this.timeout);
    }
    return this.channel;
  }

  /** The dialect's statements, built once, on the table path TypeORM resolved. */
  protected get sql(): SessionSqlDialect {
    this.statements ??= this.backend.dialect(this.tablePath, this.dataSource);
    return this.statements;
  }

  /** The quoted (schema-qualified) table TypeORM resolved for the entity. */
  private get tablePath(): string {
    const { entity } = this.backend;
    if (!this.dataSource.hasMetadata(entity)) {
      throw new Error(
        entity === SessionEntity
          ? SESSION_MESSAGES.sessionEntityMissing()
          : SESSION_MESSAGES.portableSessionEntityMissing(this.dataSource.options.type),
      );
    }
    const metadata = this.dataSource.getMetadata(entity);
    const path = metadata.schema ? [metadata.schema, metadata.tableName] : [metadata.tableName];
    return path.map((part) => this.dataSource.driver.escape(part)).join('.');
  }

  /**
   * One statement, on `queryRunner` or on a connection of its own for just this call: on
   * PostgreSQL a named prepared statement straight on the pool (the per-request path).
   */
  private async run(statement: SqlStatement, queryRunner?: QueryRunner): Promise<StatementResult> {
    const pool = queryRunner ? null : this.prepared?.pool;
    if (pool) return this.prepared!.run(pool, statement);
    const runner = queryRunner ?? this.dataSource.createQueryRunner();
    try {
      const { records, affected } = await runner.query(statement.sql, statement.params, true);
      return { records, affected: affected ?? 0 };
    } finally {
      if (!queryRunner) await runner.release();
    }
  }
}
