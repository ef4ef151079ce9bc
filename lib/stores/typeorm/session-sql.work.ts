import type { DataSource, QueryRunner } from 'typeorm';
import { SESSION_MESSAGES } from '../../session.messages.js';
import { idsToDelete, REFUSED, sessionsToRevoke } from '../session-limit.util.js';
import type {
  DeletedSession,
  SessionLimit,
  SessionLimitOutcome,
  SessionRecord,
} from '../session-record.interface.js';
import type { StatementResult } from './postgres-prepared.runner.js';
import type { SessionSqlDialect, SqlStatement } from './session-sql.dialect.js';

/** How `TypeOrmSessionStore` runs one statement: on `runner`, or on a connection of its own. */
export type RunStatement = (
  statement: SqlStatement,
  runner?: QueryRunner,
) => Promise<StatementResult>;

/** The arguments of a capped sign-in (`SessionStore.createWithinLimit`). */
export interface SignInWrite {
  record: SessionRecord;
  limit: SessionLimit;
  now: Date;
  replaces: string | undefined;
}

/** The id columns of a deleted (or about to be deleted) row. */
interface RowIds {
  id: string;
  user_id: string | null;
}

/** The rows a `RETURNING` delete answered. */
export function deletedRows(records: unknown[]): DeletedSession[] {
  return (records as RowIds[]).map(({ id, user_id }) => ({ id, userId: user_id }));
}

/**
 * The work of `TypeOrmSessionStore` that takes more than one statement: a capped sign-in (one
 * transaction under a lock on the user) and a sweep batch (under the sweep lock where the
 * dialect has one, reading the rows first where it cannot return them).
 *
 * @internal
 */
export class SessionSqlWork {
  /** SQLite: the end of the last capped sign-in queued on this store (one writer). */
  private writerTurn: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    private readonly run: RunStatement,
  ) {}

  /**
   * In one transaction under the user's lock: the user's live sessions are read, the oldest
   * deleted when `limit` says so, and `record` inserted. Where the database has one writer
   * (SQLite, no user lock), this process's capped sign-ins queue one transaction at a time.
   */
  createWithinLimit(
    sql: SessionSqlDialect,
    signIn: SignInWrite,
    lockWait: number,
  ): Promise<SessionLimitOutcome> {
    const lock = sql.userLock?.(signIn.record.userId!, lockWait);
    if (lock) return this.transact(sql, signIn, lockWait, lock);
    const turn = this.writerTurn.then(() => this.transact(sql, signIn, lockWait));
    this.writerTurn = turn.catch(() => undefined);
    return turn;
  }

  /**
   * One batch of the sweep. Returns 0 at once when another instance is sweeping the same table
   * (it holds the sweep lock).
   */
  async deleteExpired(
    sql: SessionSqlDialect,
    now: Date,
    limit: number,
    report: ((sessions: DeletedSession[]) => void) | undefined,
  ): Promise<number> {
    const lock = sql.sweepLock;
    if (!lock) return this.sweep(sql, now, limit, report);
    const runner = this.dataSource.createQueryRunner();
    try {
      const [{ acquired }] = (await this.run(lock.acquire, runner)).records as {
        acquired: unknown;
      }[];
      if (Number(acquired) !== 1) return 0;
      try {
        return await this.sweep(sql, now, limit, report, runner);
      } finally {
        await this.run(lock.release, runner);
      }
    } finally {
      await runner.release();
    }
  }

  private async transact(
    sql: SessionSqlDialect,
    signIn: SignInWrite,
    lockWait: number,
    lock?: { acquire: SqlStatement; release?: SqlStatement },
  ): Promise<SessionLimitOutcome> {
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.startTransaction();
      try {
        if (lock) await this.acquire(lock.acquire, runner, lockWait);
        const outcome = await this.admit(sql, signIn, runner);
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

  /** A lock statement answering `acquired` (MariaDB's `GET_LOCK`) must answer 1. */
  private async acquire(statement: SqlStatement, runner: QueryRunner, wait: number): Promise<void> {
    const [row] = (await this.run(statement, runner)).records as { acquired?: unknown }[];
    if (row && 'acquired' in row && Number(row.acquired) !== 1) {
      throw new Error(SESSION_MESSAGES.userLockTimedOut(wait));
    }
  }

  private async admit(
    sql: SessionSqlDialect,
    { record, limit, now, replaces }: SignInWrite,
    runner: QueryRunner,
  ): Promise<SessionLimitOutcome> {
    const { records } = await this.run(sql.findByUser(record.userId!, now), runner);
    const live = records.map((row) => sql.toRecord(row as object));
    const revoked = sessionsToRevoke(live, limit, replaces);
    if (revoked === null) return REFUSED;
    const gone = idsToDelete(revoked, replaces);
    if (gone.length > 0) await this.run(sql.deleteIds(gone), runner);
    await this.run(sql.create(record), runner);
    return { created: true, revoked };
  }

  /** One batch; to report it without `RETURNING`, the rows are read first. */
  private async sweep(
    sql: SessionSqlDialect,
    now: Date,
    limit: number,
    report: ((sessions: DeletedSession[]) => void) | undefined,
    runner?: QueryRunner,
  ): Promise<number> {
    if (!report || sql.deletesReturnRows || !sql.expiredRows) {
      const { records, affected } = await this.run(sql.deleteExpired(now, limit), runner);
      report?.(deletedRows(records));
      return sql.deletesReturnRows ? records.length : affected;
    }
    const rows = (await this.run(sql.expiredRows(now, limit), runner)).records as RowIds[];
    if (rows.length === 0) return 0;
    const { affected } = await this.run(
      sql.deleteIds(
        rows.map(({ id }) => id),
        now,
      ),
      runner,
    );
    report(rows.map(({ id, user_id }) => ({ id, userId: user_id })));
    return affected;
  }
}
