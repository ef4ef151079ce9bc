import { Table, TableIndex } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const TABLE = 'sessions';

/**
 * Creates the `sessions` table of `SessionEntity` and its two indexes. The table is created
 * in the DataSource's configured `schema` (TypeORM resolves the bare name against it).
 *
 * @publicApi
 */
export class CreateSessionsTable1764115200000 implements MigrationInterface {
  name = 'CreateSessionsTable1764115200000';

  async up(queryRunner: QueryRunner): Promise<void> {
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
          { name: 'data', type: 'jsonb', default: "'{}'" },
          { name: 'created_at', type: 'timestamptz' },
          { name: 'last_seen_at', type: 'timestamptz' },
          { name: 'expires_at', type: 'timestamptz' },
          { name: 'authenticated_at', type: 'timestamptz', isNullable: true },
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
