import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import type { DataSourceOptions } from 'typeorm';
import { SessionEntity } from '../../lib/stores/typeorm/session.entity.js';
import { sessionMigrations } from '../../migrations/index.js';
import { testDatabaseUrl } from './database-env.js';

export { isEmbeddedDatabase, testDatabaseUrl } from './database-env.js';

/** TypeORM options for postgres, as `new DataSource()` and `TypeOrmModule.forRoot()` take them. */
export type PostgresTestOptions = Extract<DataSourceOptions, { type: 'postgres' }>;

/** A fresh, empty Postgres schema of its own for one test file or test. */
export interface TestSchema {
  /** The schema's name (unquoted; lowercase letters, digits and `_`). */
  name: string;
  url: string;
  /**
   * Options for `TypeOrmModule.forRoot()` / `new DataSource()` on this schema, with
   * `SessionEntity` and `sessionMigrations` (run at start-up).
   */
  typeOrmOptions: PostgresTestOptions;
  /** Drops the schema and everything in it. */
  drop(): Promise<void>;
}

let schemaCount = 0;

/** Runs one statement on its own short-lived connection. */
async function execute(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * The options an app under test passes to `TypeOrmModule.forRoot()`, e.g.
 * `TypeOrmModule.forRoot(testTypeOrmOptions(schema.name))`. Never `synchronize`: the
 * migrations create the table, as in a user's app.
 */
export function testTypeOrmOptions(schema: string, url = testDatabaseUrl()): PostgresTestOptions {
  return {
    type: 'postgres',
    url,
    schema,
    entities: [SessionEntity],
    migrations: sessionMigrations,
    migrationsRun: true,
  };
}

/**
 * Creates a uniquely named schema (so parallel Jest workers and test files never see each
 * other's rows) in the test database. `url` is where the app connects (default: the test
 * database itself; e.g. the SQL-counting proxy in front of it); the schema is created and
 * dropped directly on the test database. Pair every call with `drop()`, e.g. in `afterAll`.
 */
export async function createTestSchema(options: { url?: string } = {}): Promise<TestSchema> {
  const adminUrl = testDatabaseUrl();
  const url = options.url ?? adminUrl;
  const name = `test_${process.pid}_${++schemaCount}_${randomBytes(4).toString('hex')}`;
  await execute(adminUrl, `CREATE SCHEMA "${name}"`);
  return {
    name,
    url,
    typeOrmOptions: testTypeOrmOptions(name, url),
    drop: () => execute(adminUrl, `DROP SCHEMA IF EXISTS "${name}" CASCADE`),
  };
}

const schemas = new WeakMap<DataSource, TestSchema>();

/**
 * An initialized DataSource on a fresh schema of its own, the migrations already run. Give
 * `url` to connect through something else (e.g. the SQL-counting proxy). Release it with
 * {@link dropTestDataSource}.
 */
export async function createTestDataSource(options: { url?: string } = {}): Promise<DataSource> {
  const schema = await createTestSchema(options);
  const dataSource = new DataSource(schema.typeOrmOptions);
  try {
    await dataSource.initialize();
  } catch (error) {
    await schema.drop();
    throw error;
  }
  schemas.set(dataSource, schema);
  return dataSource;
}

/** Destroys a DataSource made by {@link createTestDataSource} and drops its schema. */
export async function dropTestDataSource(dataSource: DataSource): Promise<void> {
  if (dataSource.isInitialized) await dataSource.destroy();
  await schemas.get(dataSource)?.drop();
  schemas.delete(dataSource);
}
