import pg from 'pg';
import { DataSource } from 'typeorm';
import { SESSION_MESSAGES } from '../../lib/session.messages.js';
import { sweepLockKey } from '../../lib/stores/typeorm/postgres-session.sql.js';
import { TypeOrmSessionStore } from '../../lib/stores/typeorm/typeorm-session.store.js';
import {
  createTestDataSource,
  dropTestDataSource,
  isEmbeddedDatabase,
  testDatabaseUrl,
} from '../support/database.js';
import { startSqlProxy } from '../support/sql-counter.js';
import type { SqlProxy } from '../support/sql-counter.js';
import { sessionRecord } from './session-record.factory.js';

/** What TypeOrmSessionStore sends to PostgreSQL, counted on the wire (all statements, not only those on `sessions`). */
describe('TypeOrmSessionStore statements', () => {
  let proxy: SqlProxy;
  let dataSource: DataSource;
  let store: TypeOrmSessionStore;
  let table: string;

  beforeAll(async () => {
    proxy = await startSqlProxy(testDatabaseUrl());
    dataSource = await createTestDataSource({ url: proxy.url });
    store = new TypeOrmSessionStore(dataSource);
    table = `"${dataSource.driver.schema}"."sessions"`;
  });

  afterAll(async () => {
    await dropTestDataSource(dataSource);
    await proxy.close();
  });

  beforeEach(() => proxy.reset());

  it('finds a session in one statement on the schema-qualified table', async () => {
    const record = sessionRecord();
    await store.create(record);
    proxy.reset();
    expect(await store.find(record.id, new Date())).toEqual(record);
    expect(proxy.statements()).toEqual([
      expect.stringMatching(/^SELECT .* FROM "test_\w+"\."sessions" WHERE id = \$1/),
    ]);
  });

  it('answers reads made together with one statement, each read its own session', async () => {
    const now = new Date();
    const live = [sessionRecord(), sessionRecord(), sessionRecord()];
    const expired = sessionRecord({ expiresAt: new Date(now.getTime() - 1_000) });
    for (const record of [...live, expired]) await store.create(record);
    proxy.reset();
    const ids = [live[0].id, 'missing', live[1].id, expired.id, live[2].id, live[0].id];
    const found = await Promise.all(ids.map((id) => store.find(id, now)));
    expect(found).toEqual([live[0], null, live[1], null, live[2], live[0]]);
    expect(proxy.statements()).toEqual([
      expect.stringMatching(/^SELECT .* FROM "test_\w+"\."sessions" WHERE id = ANY\(\$1\)/),
    ]);
    for (const record of [...live, expired]) await store.delete(record.id);
  });

  it('patches data in one statement', async () => {
    const record = sessionRecord();
    await store.create(record);
    proxy.reset();
    const patch = {
      set: { a: 1 },
      unset: ['b'],
      lastSeenAt: new Date(),
      expiresAt: record.expiresAt,
    };
    expect(await store.patch(record.id, patch)).toBe(true);
    expect(proxy.statements()).toEqual([expect.stringMatching(/^UPDATE .* data = /)]);
  });

  it('touches in one statement that leaves the data column alone', async () => {
    const record = sessionRecord({ data: { a: 1 } });
    await store.create(record);
    proxy.reset();
    expect(
      await store.patch(record.id, { lastSeenAt: new Date(), expiresAt: record.expiresAt }),
    ).toBe(true);
    const statements = proxy.statements();
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/^UPDATE /);
    expect(statements[0]).not.toMatch(/\bdata\b/);
  });

  it('sweeps a batch in one statement', async () => {
    await store.create(sessionRecord({ expiresAt: new Date(Date.now() - 1_000) }));
    proxy.reset();
    expect(await store.deleteExpired(new Date(), 10)).toBe(1);
    expect(proxy.statements()).toEqual([
      expect.stringMatching(/^DELETE .*pg_try_advisory_xact_lock/),
    ]);
  });

  it('stores the id it is given as the primary key, and no other copy of it', async () => {
    const record = sessionRecord({ data: { note: 'no token here' } });
    await store.create(record);
    const rows = await dataSource.query<Record<string, unknown>[]>(
      `SELECT * FROM ${table} WHERE id = $1`,
      [record.id],
    );
    expect(rows).toHaveLength(1);
    const { id, ...others } = rows[0];
    expect(id).toBe(record.id);
    expect(JSON.stringify(others)).not.toContain(record.id);
  });

  it('refuses a DataSource of a driver it does not speak, naming the driver', () => {
    const mssql = { options: { type: 'mssql' } } as DataSource;
    expect(() => new TypeOrmSessionStore(mssql)).toThrow(
      SESSION_MESSAGES.unsupportedDriver('mssql'),
    );
  });

  it('tells the user to register SessionEntity when the DataSource lacks it', async () => {
    const bare = new DataSource({ type: 'postgres', url: testDatabaseUrl() });
    await bare.initialize();
    try {
      await expect(new TypeOrmSessionStore(bare).find('id', new Date())).rejects.toThrow(
        SESSION_MESSAGES.sessionEntityMissing(),
      );
    } finally {
      await bare.destroy();
    }
  });

  // The embedded database runs every connection in one backend session, so no second
  // session can hold the lock there; this runs on a real server (CI's DATABASE_URL).
  if (!isEmbeddedDatabase()) {
    it('sweeps nothing while another instance holds the sweep lock', async () => {
      const expired = sessionRecord({ expiresAt: new Date(Date.now() - 1_000) });
      await store.create(expired);
      const other = new pg.Client({ connectionString: testDatabaseUrl() });
      await other.connect();
      try {
        await other.query('BEGIN');
        await other.query(`SELECT pg_advisory_xact_lock(${sweepLockKey(table)})`);
        expect(await store.deleteExpired(new Date(), 10)).toBe(0);
        await other.query('COMMIT');
        expect(await store.deleteExpired(new Date(), 10)).toBe(1);
      } finally {
        await other.end();
      }
    });
  }
});
