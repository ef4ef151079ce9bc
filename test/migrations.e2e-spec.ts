import type { DataSource } from 'typeorm';
import { createTestDataSource, dropTestDataSource } from './support/database.js';

describe('sessionMigrations', () => {
  let dataSource: DataSource;
  let schema: string;

  /** `schema.table` of a relation (table or index) when it exists, else null. */
  async function relation(name: string): Promise<string | null> {
    const [row] = await dataSource.query<{ path: string | null }[]>(
      'SELECT to_regclass($1)::text AS path',
      [`"${schema}"."${name}"`],
    );
    return row?.path ?? null;
  }

  beforeEach(async () => {
    dataSource = await createTestDataSource();
    schema = dataSource.driver.schema!;
  });

  afterEach(async () => {
    await dropTestDataSource(dataSource);
  });

  it('creates the sessions table in the configured schema', async () => {
    expect(await relation('sessions')).toBe(`${schema}.sessions`);
    expect(await relation('migrations')).toBe(`${schema}.migrations`);
  });

  it('creates the named indexes on user_id and expires_at', async () => {
    expect(await relation('IDX_sessions_user_id')).not.toBeNull();
    expect(await relation('IDX_sessions_expires_at')).not.toBeNull();
  });

  it('leaves no difference between the table and SessionEntity', async () => {
    const diff = await dataSource.driver.createSchemaBuilder().log();
    expect(diff.upQueries.map((query) => query.query)).toEqual([]);
  });

  it('is undone by its down migration, which drops the table', async () => {
    await dataSource.undoLastMigration();
    expect(await relation('sessions')).toBeNull();
  });
});
