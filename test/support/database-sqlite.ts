import { DataSource } from 'typeorm';
import type { DataSourceOptions } from 'typeorm';
import { PortableSessionEntity } from '../../lib/stores/typeorm/portable-session.entity.js';
import { sessionMigrations } from '../../migrations/index.js';

/** TypeORM options for SQLite, as `new DataSource()` and `TypeOrmModule.forRoot()` take them. */
export type SqliteTestOptions = Extract<DataSourceOptions, { type: 'better-sqlite3' }>;

/**
 * Options for an in-memory SQLite database (`better-sqlite3`), its own for each DataSource, with
 * `PortableSessionEntity` and `sessionMigrations` (run at start-up).
 */
export function sqliteTestOptions(): SqliteTestOptions {
  return {
    type: 'better-sqlite3',
    database: ':memory:',
    entities: [PortableSessionEntity],
    migrations: sessionMigrations,
    migrationsRun: true,
  };
}

/** An initialized DataSource on a fresh in-memory SQLite database, the migrations already run. */
export function createSqliteTestDataSource(): Promise<DataSource> {
  return new DataSource(sqliteTestOptions()).initialize();
}
