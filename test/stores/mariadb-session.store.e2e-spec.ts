import mysql from 'mysql2/promise';
import { DataSource } from 'typeorm';
import type { Logger } from 'typeorm';
import { SESSION_MESSAGES } from '../../lib/session.messages.js';
import { sweepLockName } from '../../lib/stores/typeorm/mariadb-session.sql.js';
import { PortableSessionEntity } from '../../lib/stores/typeorm/portable-session.entity.js';
import { TypeOrmSessionStore } from '../../lib/stores/typeorm/typeorm-session.store.js';
import { createMariaDbTestDataSource, testMariaDbUrl } from '../support/database-mariadb.js';
import type { MariaDbTestDatabase } from '../support/database-mariadb.js';
import { sessionRecord } from './session-record.factory.js';
import { describeSessionStoreContract } from './session-store.contract.js';
import { describePortableStoreCases } from './typeorm-portable.cases.js';

const NAME = 'TypeOrmSessionStore on MariaDB';

// No server needed: constructing a DataSource does not connect.
describe(`${NAME} (driver types)`, () => {
  it.each(['mariadb', 'mysql'] as const)('takes a %s DataSource', (type) => {
    const dataSource = new DataSource({ type, entities: [PortableSessionEntity] });
    expect(new TypeOrmSessionStore(dataSource)).toBeInstanceOf(TypeOrmSessionStore);
  });

  it('asks for PortableSessionEntity, not SessionEntity, when the DataSource lacks it', async () => {
    const store = new TypeOrmSessionStore(new DataSource({ type: 'mysql' }));
    await expect(store.find('id', new Date())).rejects.toThrow(
      SESSION_MESSAGES.portableSessionEntityMissing('mysql'),
    );
  });
});

const serverUrl = await testMariaDbUrl(NAME);

if (serverUrl) {
  /** Every statement the DataSource sends, in order. */
  const statements: string[] = [];
  const logger: Logger = {
    logQuery: (query) => void statements.push(query),
    logQueryError: () => undefined,
    logQuerySlow: () => undefined,
    logSchemaBuild: () => undefined,
    logMigration: () => undefined,
    log: () => undefined,
  };
  let handle: { dataSource: DataSource; database: MariaDbTestDatabase } | undefined;

  afterAll(async () => {
    if (!handle) return;
    await handle.dataSource.destroy();
    await handle.database.drop();
  });

  /** The store on this file's database, emptied after each test. */
  const setup = async () => {
    handle ??= await createMariaDbTestDataSource(serverUrl, { logging: ['query'], logger });
    const { dataSource } = handle;
    return {
      store: new TypeOrmSessionStore(dataSource),
      dataSource,
      teardown: async () => {
        await dataSource.query('DELETE FROM sessions');
      },
    };
  };

  describeSessionStoreContract(NAME, setup, { byUser: true, sweep: true });
  describePortableStoreCases(NAME, setup);

  describe(`${NAME} (statements and storage)`, () => {
    let fixture: Awaited<ReturnType<typeof setup>>;

    beforeEach(async () => {
      fixture = await setup();
      statements.length = 0;
    });

    afterEach(() => fixture.teardown());

    it('patches data in one UPDATE that merges keys with JSON_SET and JSON_REMOVE', async () => {
      const record = sessionRecord({ data: { b: 1 } });
      await fixture.store.create(record);
      statements.length = 0;
      const patch = {
        set: { a: 1 },
        unset: ['b'],
        lastSeenAt: new Date(),
        expiresAt: record.expiresAt,
      };
      expect(await fixture.store.patch(record.id, patch)).toBe(true);
      expect(statements).toEqual([
        expect.stringMatching(/^UPDATE `sessions` SET .*data = JSON_REMOVE\(JSON_SET\(data, /),
      ]);
    });

    it('touches in one UPDATE that leaves the data column alone', async () => {
      const record = sessionRecord({ data: { a: 1 } });
      await fixture.store.create(record);
      statements.length = 0;
      const touch = { lastSeenAt: new Date(), expiresAt: record.expiresAt };
      expect(await fixture.store.patch(record.id, touch)).toBe(true);
      expect(statements).toHaveLength(1);
      expect(statements[0]).toMatch(/^UPDATE /);
      expect(statements[0]).not.toMatch(/\bdata\b/);
    });

    it('keeps dates in UTC, exact whatever the DataSource’s timezone option', async () => {
      const record = sessionRecord({ createdAt: new Date('2026-01-02T03:04:05.678Z') });
      await fixture.store.create(record);
      const [row] = await fixture.dataSource.query<{ created: string }[]>(
        'SELECT CAST(created_at AS CHAR) AS created FROM sessions WHERE id = ?',
        [record.id],
      );
      expect(row.created).toBe('2026-01-02 03:04:05.678');
      const elsewhere = new DataSource({
        ...handle!.database.typeOrmOptions,
        timezone: '+05:30',
        migrationsRun: false,
      });
      await elsewhere.initialize();
      try {
        expect(await new TypeOrmSessionStore(elsewhere).find(record.id, new Date())).toEqual(
          record,
        );
      } finally {
        await elsewhere.destroy();
      }
    });

    it('sweeps a batch between GET_LOCK and RELEASE_LOCK', async () => {
      await fixture.store.create(sessionRecord({ expiresAt: new Date(Date.now() - 1_000) }));
      statements.length = 0;
      expect(await fixture.store.deleteExpired(new Date(), 10)).toBe(1);
      expect(statements).toEqual([
        expect.stringMatching(/GET_LOCK\(/),
        expect.stringMatching(/^DELETE FROM `sessions` WHERE expires_at <= \? ORDER BY .* LIMIT/),
        expect.stringMatching(/RELEASE_LOCK\(/),
      ]);
    });

    it('sweeps nothing while another instance holds the sweep lock', async () => {
      await fixture.store.create(sessionRecord({ expiresAt: new Date(Date.now() - 1_000) }));
      const other = await mysql.createConnection({ uri: serverUrl });
      const lock = sweepLockName(handle!.database.name, '`sessions`');
      try {
        await other.query('SELECT GET_LOCK(?, 0)', [lock]);
        expect(await fixture.store.deleteExpired(new Date(), 10)).toBe(0);
        await other.query('SELECT RELEASE_LOCK(?)', [lock]);
        expect(await fixture.store.deleteExpired(new Date(), 10)).toBe(1);
      } finally {
        await other.end();
      }
    });
  });
}
