import { Table, TableIndex } from 'typeorm';
import type { MigrationInterface, QueryRunner, TableColumnOptions } from 'typeorm';
import { sessionSqlFamily } from '../lib/stores/typeorm/session-sql.dialect.js';

const TABLE = 'sessions';

/** The column types that differ by database: those of `SessionEntity` or `PortableSessionEntity`. */
const TYPES = {
  postgres: {
    data: { type: 'jsonb', default: "'{}'" },
    date: { type: 'timestamptz' },
  },
  portable: {
    data: { type: 'json' },
    date: { type: 'datetime', precision: 3 },
  },
} satisfies Record<
  string,
  { data: Partial<TableColumnOptions>; date: Partial<TableColumnOptions> }
>;

/**
 * Creates the `sessions` table and its two indexes: `SessionEntity`'s on PostgreSQL (in the
 * DataSource's configured `schema`), `PortableSessionEntity`'s on MariaDB, MySQL and SQLite.
 *
 * @publicApi
 */
export class CreateSessionsTable1764115200000 implements MigrationInterface {
  name = 'CreateSessionsTable1764115200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const family = sessionSqlFamily(queryRunner.connection.driver.options.type);
    const { data, date } =
      family === 'mysql' || family === 'sqlite' ? TYPES.portable : TYPES.postgres;
    await queryRunner.createTable(
      new Table({
        name: TABLE,
        columns: [
          {
            name: 'id',
            type: 'varchar',
            length: '64',
            isPrimary: true,
            primaryKeyConstraintName: 'PK_sessions',
          },
          { name: 'user_id', type: 'varchar', length: '255', isNullable: true },
          { name: 'data', ...data },
          { name: 'created_at', ...date },
          { name: 'last_seen_at', ...date },
          { name: 'expires_at', ...date },
          { name: 'authenticated_at', ...date, isNullable: true },
          { name: 'user_agent', type: 'varchar', length: '512', isNullable: true },
          { name: 'ip', type: 'varchar', length: '45', isNullable: true },
        ],
        indices: [
          new TableIndex({ name: 'IDX_sessions_user_id', columnNames: ['user_id'] }),
          new TableIndex({ name: 'IDX_sessions_expires_at', columnNames: ['expires_at'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable(TABLE);
  }
}
