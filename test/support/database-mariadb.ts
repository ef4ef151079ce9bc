import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { DataSource } from 'typeorm';
import type { DataSourceOptions } from 'typeorm';
import { PortableSessionEntity } from '../../lib/stores/typeorm/portable-session.entity.js';
import { sessionMigrations } from '../../migrations/index.js';

/** TypeORM options for MariaDB, as `new DataSource()` and `TypeOrmModule.forRoot()` take them. */
export type MariaDbTestOptions = Extract<DataSourceOptions, { type: 'mysql' | 'mariadb' }>;

const LOCAL_MARIADB_URL = 'mysql://root@127.0.0.1:3306/test';

/**
 * The MariaDB the MariaDB suites run against: `MARIADB_URL` when set (CI always sets it, so
 * the suites always run there, and fail if it is down), else a MariaDB answering at
 * 127.0.0.1:3306, else none: the suites are then not defined, and this says so once per file.
 */
export async function testMariaDbUrl(suite: string): Promise<string | undefined> {
  const configured = process.env.MARIADB_URL;
  if (configured) return configured;
  if (await answers(LOCAL_MARIADB_URL)) return LOCAL_MARIADB_URL;
  console.warn(
    `${suite}: the MariaDB suites did NOT run: MARIADB_URL is unset and no MariaDB answered at ` +
      `${LOCAL_MARIADB_URL}. Start MariaDB or set MARIADB_URL to run them.`,
  );
  return undefined;
}

async function answers(url: string): Promise<boolean> {
  try {
    const connection = await mysql.createConnection({ uri: url, connectTimeout: 1_000 });
    await connection.end();
    return true;
  } catch {
    return false;
  }
}

/** A fresh, empty MariaDB database of its own for one test file or test. */
export interface MariaDbTestDatabase {
  /** The database's name (`test_` then lowercase letters, digits and `_`). */
  name: string;
  /** Options on this database with `PortableSessionEntity` and `sessionMigrations` (run at start-up). */
  typeOrmOptions: MariaDbTestOptions;
  /** Runs one statement on a short-lived connection of its own (not the DataSource's pool). */
  execute(sql: string, params?: unknown[]): Promise<unknown>;
  /** Drops the database and everything in it. */
  drop(): Promise<void>;
}

let databaseCount = 0;

/** Runs one statement on its own short-lived connection. */
async function execute(url: string, sql: string, params: unknown[] = []): Promise<unknown> {
  const connection = await mysql.createConnection({ uri: url });
  try {
    const [result] = await connection.query(sql, params);
    return result;
  } finally {
    await connection.end();
  }
}

/**
 * Creates a uniquely named database on the server at `serverUrl` (so parallel Jest workers and
 * test files never see each other's rows). Pair every call with `drop()`. The options carry
 * `timezone: 'Z'`, as the README advises, though the store itself does not depend on it.
 */
export async function createMariaDbTestDatabase(serverUrl: string): Promise<MariaDbTestDatabase> {
  const name = `test_${process.pid}_${++databaseCount}_${randomBytes(4).toString('hex')}`;
  await execute(serverUrl, `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    typeOrmOptions: {
      type: 'mariadb',
      url: url.toString(),
      timezone: 'Z',
      entities: [PortableSessionEntity],
      migrations: sessionMigrations,
      migrationsRun: true,
    },
    execute: (sql, params) => execute(url.toString(), sql, params),
    drop: async () => {
      await execute(serverUrl, `DROP DATABASE IF EXISTS \`${name}\``);
    },
  };
}

/**
 * An initialized DataSource on a fresh database of its own, the migrations already run, with
 * `overrides` applied to its options. Release it with `destroy()` then the database's `drop()`.
 */
export async function createMariaDbTestDataSource(
  serverUrl: string,
  overrides: Partial<MariaDbTestOptions> = {},
): Promise<{ dataSource: DataSource; database: MariaDbTestDatabase }> {
  const database = await createMariaDbTestDatabase(serverUrl);
  const dataSource = new DataSource({ ...database.typeOrmOptions, ...overrides });
  try {
    await dataSource.initialize();
  } catch (error) {
    await database.drop();
    throw error;
  }
  return { dataSource, database };
}
