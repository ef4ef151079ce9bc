import pg from 'pg';

/** Runs `sql` on a short-lived connection of its own. */
export async function execute(databaseUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Drops (with everything in it) and recreates each schema: every run starts empty. */
export async function resetSchemas(databaseUrl: string, schemas: readonly string[]): Promise<void> {
  const sql = schemas.map((s) => `DROP SCHEMA IF EXISTS "${s}" CASCADE; CREATE SCHEMA "${s}";`);
  await execute(databaseUrl, sql.join('\n'));
}

export async function dropSchemas(databaseUrl: string, schemas: readonly string[]): Promise<void> {
  await execute(
    databaseUrl,
    schemas.map((s) => `DROP SCHEMA IF EXISTS "${s}" CASCADE;`).join('\n'),
  );
}
