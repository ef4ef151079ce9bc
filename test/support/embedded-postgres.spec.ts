import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../sample/embedded-postgres.js';
import type { EmbeddedPostgres } from '../../sample/embedded-postgres.js';

describe('startEmbeddedPostgres', () => {
  let database: EmbeddedPostgres;
  let pool: pg.Pool;

  beforeAll(async () => {
    database = await startEmbeddedPostgres();
    pool = new pg.Pool({ connectionString: database.url, max: 5 });
  }, 120_000);

  afterAll(async () => {
    await pool.end();
    await database.stop();
  });

  it('serves a postgres:// URL on loopback that the pg driver accepts', async () => {
    expect(database.url).toMatch(/^postgres:\/\/\w+@127\.0\.0\.1:\d+\/\w+$/);
    const { rows } = await pool.query<{ one: number }>('SELECT 1 AS one');
    expect(rows).toEqual([{ one: 1 }]);
  });

  it('runs the jsonb merge and key removal the TypeORM store relies on', async () => {
    const { rows } = await pool.query<{ data: unknown }>(
      `SELECT ('{"a":1,"b":2}'::jsonb || $1::jsonb) - $2::text[] AS data`,
      [JSON.stringify({ c: { d: [3] } }), ['a']],
    );
    expect(rows).toEqual([{ data: { b: 2, c: { d: [3] } } }]);
  });

  it('grants transaction-level advisory locks', async () => {
    const { rows } = await pool.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_xact_lock($1::bigint) AS locked',
      ['-4242424242424242'],
    );
    expect(rows).toEqual([{ locked: true }]);
  });

  // A parameter this large arrives in several TCP reads; without keeping each
  // Parse…Sync batch whole, another connection's Parse would slip in between
  // (electric-sql/pglite#1046) and queries would fail or bind the wrong statement.
  it('keeps concurrent extended-protocol batches of a pool apart', async () => {
    await pool.query('CREATE TABLE batches (id int PRIMARY KEY, payload text)');
    await pool.query('INSERT INTO batches SELECT g, NULL FROM generate_series(1, 20) g');
    const large = 'x'.repeat(200_000);
    const results = await Promise.allSettled(
      Array.from({ length: 150 }, async (_, i) => {
        const id = (i % 20) + 1;
        const { rows } =
          i % 3 === 0
            ? await pool.query('UPDATE batches SET payload = $2 WHERE id = $1 RETURNING id', [
                id,
                `${i}${large}`,
              ])
            : await pool.query('SELECT id FROM batches WHERE id = $1::int', [id]);
        return rows[0]?.id === id;
      }),
    );
    expect(results.map((result) => result.status === 'fulfilled' && result.value)).toEqual(
      results.map(() => true),
    );
  });
});

// Each start of PGlite takes seconds of CPU (more on a busy machine): hence few starts, long hooks.
describe('startEmbeddedPostgres with a dataDir', () => {
  const START_TIMEOUT = 120_000;
  let dataDir: string;
  let stopped: EmbeddedPostgres;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'embedded-postgres-'));
    stopped = await startEmbeddedPostgres({ dataDir });
    await execute(stopped.url, 'CREATE TABLE kept (n int); INSERT INTO kept VALUES (7)');
    await stopped.stop();
  }, START_TIMEOUT);

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses connections once stopped', async () => {
    await expect(execute(stopped.url, 'SELECT 1')).rejects.toThrow();
  });

  it(
    'keeps its data across a restart',
    async () => {
      const restarted = await startEmbeddedPostgres({ dataDir });
      try {
        expect(await execute(restarted.url, 'SELECT n FROM kept')).toEqual([{ n: 7 }]);
      } finally {
        await restarted.stop();
      }
    },
    START_TIMEOUT,
  );
});

async function execute(url: string, sql: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query(sql);
    return Array.isArray(result) ? (result.at(-1)?.rows ?? []) : result.rows;
  } finally {
    await client.end();
  }
}
