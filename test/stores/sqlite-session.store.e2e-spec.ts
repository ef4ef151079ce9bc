import { DataSource } from 'typeorm';
import { SESSION_MESSAGES } from '../../lib/session.messages.js';
import { TypeOrmSessionStore } from '../../lib/stores/typeorm/typeorm-session.store.js';
import { createSqliteTestDataSource } from '../support/database-sqlite.js';
import { sessionRecord } from './session-record.factory.js';
import { describeSessionStoreContract } from './session-store.contract.js';
import { describePortableStoreCases } from './typeorm-portable.cases.js';

const NAME = 'TypeOrmSessionStore on SQLite';
let dataSource: DataSource | undefined;

afterAll(async () => {
  if (dataSource?.isInitialized) await dataSource.destroy();
});

/** The store on this file's in-memory database, emptied after each test. */
async function setup() {
  const ready = (dataSource ??= await createSqliteTestDataSource());
  return {
    store: new TypeOrmSessionStore(ready),
    dataSource: ready,
    teardown: async () => {
      await ready.query('DELETE FROM sessions');
    },
  };
}

describeSessionStoreContract(NAME, setup, { byUser: true, sweep: true });
describePortableStoreCases(NAME, setup);

describe(`${NAME} (storage and errors)`, () => {
  it('keeps dates as UTC text, in the format TypeORM writes on SQLite', async () => {
    const { store, dataSource: db, teardown } = await setup();
    try {
      const record = sessionRecord({ expiresAt: new Date('2030-01-02T03:04:05.006Z') });
      await store.create(record);
      const [row] = await db.query<{ expires_at: string; kind: string }[]>(
        'SELECT expires_at, typeof(expires_at) AS kind FROM sessions WHERE id = ?',
        [record.id],
      );
      expect(row).toEqual({ expires_at: '2030-01-02 03:04:05.006', kind: 'text' });
    } finally {
      await teardown();
    }
  });

  it('tells the user to register PortableSessionEntity when the DataSource lacks it', async () => {
    const bare = await new DataSource({
      type: 'better-sqlite3',
      database: ':memory:',
    }).initialize();
    try {
      await expect(new TypeOrmSessionStore(bare).find('id', new Date())).rejects.toThrow(
        SESSION_MESSAGES.portableSessionEntityMissing('better-sqlite3'),
      );
    } finally {
      await bare.destroy();
    }
  });
});
