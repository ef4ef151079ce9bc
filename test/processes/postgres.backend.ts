import { DataSource } from 'typeorm';
import { createTestSchema } from '../support/database.js';
import type { ScaleOutBackend } from './scale-out.flow.js';

/**
 * A fresh schema, migrated from the test process (not by three instances racing to run the
 * migrations), whose `sessions` table the instances reach at `instanceUrl` (Postgres itself,
 * or a pooler in front of it). Expired rows are inserted and counted directly on Postgres.
 */
export async function postgresBackend(
  options: { instanceUrl?: string; preparedStatements?: boolean; invalidationUrl?: string } = {},
): Promise<ScaleOutBackend> {
  const schema = await createTestSchema();
  const admin = new DataSource({ ...schema.typeOrmOptions, poolSize: 2 });
  try {
    await admin.initialize();
  } catch (error) {
    await schema.drop();
    throw error;
  }
  const table = `"${schema.name}"."sessions"`;
  return {
    store: {
      kind: 'postgres',
      url: options.instanceUrl ?? schema.url,
      schema: schema.name,
      preparedStatements: options.preparedStatements ?? true,
      invalidationUrl: options.invalidationUrl,
    },
    expiry: {
      kind: 'sweep',
      seedExpired: async (n) => {
        const rows = await admin.query<{ id: string }[]>(
          `INSERT INTO ${table} (id, user_id, data, created_at, last_seen_at, expires_at) ` +
            `SELECT 'expired-' || n || '-' || md5(random()::text), 'swept-' || (n % 7), '{}', ` +
            `now() - interval '2 hours', now() - interval '2 hours', now() - interval '1 hour' ` +
            'FROM generate_series(1, $1) AS n RETURNING id',
          [n],
        );
        return rows.map(({ id }) => id);
      },
      countExpired: async () => {
        const [{ count }] = await admin.query<{ count: string }[]>(
          `SELECT count(*) AS count FROM ${table} WHERE expires_at <= now()`,
        );
        return Number(count);
      },
    },
    teardown: async () => {
      await admin.destroy();
      await schema.drop();
    },
  };
}
