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
import { SessionStore } from '../session.store.js';
import type { SessionStoreSettings } from '../session.store.js';
import { MariaDbSessionSql, sweepLockName } from './mariadb-session.sql.js';
import { PortableSessionEntity } from './portable-session.entity.js';
import { PostgresInvalidationChannel } from './postgres-invalidation.channel.js';
import { PostgresPreparedRunner } from './postgres-prepared.runner.js';
import type { StatementResult } from './postgres-prepared.runner.js';
import { PostgresSessionSql } from './postgres-session.sql.js';
import { SessionReadBatcher } from './session-read.batcher.js';
import { deletedRows, SessionSqlWork } from './session-sql.work.js';
import { SessionEntity } from './session.entity.js';
import type { TypeOrmSessionStoreOptions } from './typeorm-session-store-options.interface.js';
import { sessionSqlFamily } from './session-sql.dialect.js';
import type { SessionSqlDialect, SessionSqlFamily, SqlStatement } from './session-sql.dialect.js';
import { checkSessionTable, whenInitialized } from './session-table.check.js';
import { SqliteSessionSql } from './sqlite-session.sql.js';

/** How long a capped sign-in waits for its user's lock before the store is initialized. */
const DEFAULT_LOCK_WAIT = 5_000;

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
  private readonly invalidationDataSource: DataSource | undefined;
  /** The multi-statement work: capped sign-ins and the sweep. */
  private readonly work: SessionSqlWork;
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
    this.invalidationDataSource = options.invalidationDataSource;
    if (family === 'postgres') {
      this.prepared = new PostgresPreparedRunner(dataSource, options.preparedStatements ?? true);
    }
    this.work = new SessionSqlWork(dataSource, (statement, runner) => this.run(statement, runner));
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
    const { records, affected } = await this.run(this.sql.deleteByUser(userId, now, exceptId));
    if (before) report(before.map(({ id }) => id).filter((id) => id !== exceptId));
    else report?.(deletedRows(records).map(({ id }) => id));
    return this.sql.deletesReturnRows ? records.length : affected;
  }

  /**
   * One transaction under a lock on the user (`pg_advisory_xact_lock`, `GET_LOCK` on MariaDB;
   * SQLite has one writer): see {@link SessionSqlWork.createWithinLimit}.
   */
  override createWithinLimit(
    record: SessionRecord,
    limit: SessionLimit,
    now: Date,
    replaces?: string,
  ): Promise<SessionLimitOutcome> {
    const wait = Number.isFinite(this.timeout) ? this.timeout : DEFAULT_LOCK_WAIT;
    return this.work.createWithinLimit(this.sql, { record, limit, now, replaces }, wait);
  }

  /**
   * Deletes up to `limit` expired sessions in one short statement. Returns 0 at once when
   * another instance is sweeping the same table (it holds the sweep lock).
   */
  override deleteExpired(
    now: Date,
    limit: number,
    report?: (sessions: DeletedSession[]) => void,
  ): Promise<number> {
    return this.work.deleteExpired(this.sql, now, limit, report);
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
      const dataSource = this.invalidationDataSource ?? this.dataSource;
      this.channel = new PostgresInvalidationChannel(dataSource, this.tablePath);
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
