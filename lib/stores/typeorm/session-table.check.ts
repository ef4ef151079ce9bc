import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { SESSION_MESSAGES } from '../../session.messages.js';
import { withDeadline } from '../store-deadline.util.js';
import { SESSION_COLUMNS } from './session-sql.dialect.js';
import type { SessionSqlDialect, SqlStatement } from './session-sql.dialect.js';

const logger = new Logger('SessionStore');

/** The operation a timed-out check names. */
const CHECK = 'check the sessions table';

/** How often the startup check looks again whether the DataSource has finished initializing. */
const INITIALIZED_POLL_MS = 10;

/** Runs one statement of the store (on its hot path). */
type RunStatement = (statement: SqlStatement) => Promise<unknown>;

/**
 * Waits, at most `timeout` ms, for a DataSource handed over while still initializing; throws
 * the fix when it is not ready by then (nothing was awaited: the store could never work).
 */
export async function whenInitialized(dataSource: DataSource, timeout: number): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!dataSource.isInitialized) {
    if (Date.now() >= deadline) throw new Error(SESSION_MESSAGES.dataSourceNotInitialized(timeout));
    await new Promise((resolve) => setTimeout(resolve, INITIALIZED_POLL_MS));
  }
}

/**
 * The store's startup check: one statement that reads no row but needs the table and every
 * column the store uses. A missing table or column throws the fix (boot stops); a fault of the
 * connection or the server (down, slower than `timeout`) is logged once and boot goes on, as
 * requests will answer 503 until the database is back.
 */
export async function checkSessionTable(
  run: RunStatement,
  sql: SessionSqlDialect,
  table: string,
  timeout: number,
): Promise<void> {
  try {
    await withDeadline(run(sql.selectNothing(SESSION_COLUMNS)), timeout, CHECK);
  } catch (error) {
    const fault = sql.schemaFault(error);
    if (fault === 'table') {
      throw new Error(SESSION_MESSAGES.sessionTableMissing(table), { cause: error });
    }
    if (fault === 'column') {
      const missing = await missingColumns(run, sql, timeout);
      throw new Error(SESSION_MESSAGES.sessionColumnsMissing(table, missing), { cause: error });
    }
    logger.warn(SESSION_MESSAGES.sessionTableUnchecked(table, String(error)));
  }
}

/** Every column the table lacks (a database names only the first): one probe per column. */
async function missingColumns(run: RunStatement, sql: SessionSqlDialect, timeout: number) {
  const missing: string[] = [];
  for (const column of SESSION_COLUMNS) {
    try {
      await withDeadline(run(sql.selectNothing([column])), timeout, CHECK);
    } catch (error) {
      if (sql.schemaFault(error) === 'column') missing.push(column);
    }
  }
  return missing.length > 0 ? missing : [...SESSION_COLUMNS];
}
