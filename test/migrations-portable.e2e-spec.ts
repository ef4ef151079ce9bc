import type { DataSource } from 'typeorm';
import { createMariaDbTestDataSource, testMariaDbUrl } from './support/database-mariadb.js';
import { createSqliteTestDataSource } from './support/database-sqlite.js';

/** A database after `sessionMigrations` ran, and how to look into it. */
interface MigratedDatabase {
  dataSource: DataSource;
  /** Names of the tables, sorted. */
  tables(): Promise<string[]>;
  /** `name: column` of each index of `sessions`, sorted, the primary key left out. */
  indexes(): Promise<string[]>;
  /** The declared type of each column of `sessions`, by name. */
  columnTypes(): Promise<Record<string, string>>;
  release(): Promise<void>;
}

/** The migration checked against `PortableSessionEntity` on one database. */
function describeMigrations(name: string, open: () => Promise<MigratedDatabase>): void {
  describe(`sessionMigrations on ${name}`, () => {
    let db: MigratedDatabase;

    beforeEach(async () => {
      db = await open();
    });

    afterEach(() => db.release());

    it('creates the sessions table', async () => {
      expect(await db.tables()).toEqual(['migrations', 'sessions']);
    });

    it('types data as json and the dates as datetime(3)', async () => {
      expect(await db.columnTypes()).toEqual({
        id: 'varchar(64)',
        user_id: 'varchar(255)',
        data: expect.stringMatching(/^(json|longtext)$/),
        created_at: 'datetime(3)',
        last_seen_at: 'datetime(3)',
        expires_at: 'datetime(3)',
        authenticated_at: 'datetime(3)',
        user_agent: 'varchar(512)',
        ip: 'varchar(45)',
      });
    });

    it('creates the named indexes on user_id and expires_at', async () => {
      expect(await db.indexes()).toEqual([
        'IDX_sessions_expires_at: expires_at',
        'IDX_sessions_user_id: user_id',
      ]);
    });

    it('leaves no difference between the table and PortableSessionEntity', async () => {
      const diff = await db.dataSource.driver.createSchemaBuilder().log();
      expect(diff.upQueries.map((query) => query.query)).toEqual([]);
    });

    it('is undone by its down migration, which drops the table', async () => {
      await db.dataSource.undoLastMigration();
      expect(await db.tables()).toEqual(['migrations']);
    });
  });
}

describeMigrations('SQLite', async () => {
  const dataSource = await createSqliteTestDataSource();
  const rows = (sql: string) => dataSource.query<Record<string, string>[]>(sql);
  return {
    dataSource,
    tables: async () =>
      (
        await rows(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
      ).map((r) => r.name),
    indexes: async () =>
      (
        await rows(
          "SELECT il.name || ': ' || ii.name AS i FROM pragma_index_list('sessions') il, pragma_index_info(il.name) ii WHERE il.origin = 'c' ORDER BY 1",
        )
      ).map((r) => r.i),
    columnTypes: async () =>
      Object.fromEntries(
        (await rows("SELECT name, type FROM pragma_table_info('sessions')")).map((r) => [
          r.name,
          r.type,
        ]),
      ),
    release: () => dataSource.destroy(),
  };
});

const mariaDbUrl = await testMariaDbUrl('sessionMigrations on MariaDB');

if (mariaDbUrl) {
  describeMigrations('MariaDB', async () => {
    const { dataSource, database } = await createMariaDbTestDataSource(mariaDbUrl);
    const rows = (sql: string) => dataSource.query<Record<string, string>[]>(sql, [database.name]);
    return {
      dataSource,
      tables: async () =>
        (
          await rows(
            'SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY name',
          )
        ).map((r) => r.name),
      indexes: async () =>
        (
          await rows(
            "SELECT CONCAT(INDEX_NAME, ': ', COLUMN_NAME) AS i FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'sessions' AND INDEX_NAME <> 'PRIMARY' ORDER BY i",
          )
        ).map((r) => r.i),
      columnTypes: async () =>
        Object.fromEntries(
          (
            await rows(
              "SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'sessions'",
            )
          ).map((r) => [r.name, r.type]),
        ),
      release: async () => {
        if (dataSource.isInitialized) await dataSource.destroy();
        await database.drop();
      },
    };
  });
}
