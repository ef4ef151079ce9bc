import { DataSource } from 'typeorm';
import { SESSION_MESSAGES } from '../../lib/session.messages.js';
import { TypeOrmSessionStore } from '../../lib/stores/typeorm/typeorm-session.store.js';
import { createMariaDbTestDatabase, testMariaDbUrl } from '../support/database-mariadb.js';
import { sqliteTestOptions } from '../support/database-sqlite.js';
import { MISSING_COLUMNS, tableLackingTwoColumns } from '../support/hand-made-table.js';

const TIMEOUT = 2_000;

/** What the store's startup check rejected with (`undefined` when it passed). */
async function checkError(
  db: DataSource,
  setup: (db: DataSource) => Promise<unknown>,
): Promise<unknown> {
  await setup(db);
  return new TypeOrmSessionStore(db).initialize({ timeout: TIMEOUT }).then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('startup check of the TypeORM store on SQLite', () => {
  const check = async (setup: (db: DataSource) => Promise<unknown>, entities?: []) => {
    const options = { ...sqliteTestOptions(), migrations: [], migrationsRun: false };
    const db = await new DataSource(entities ? { ...options, entities } : options).initialize();
    try {
      return await checkError(db, setup);
    } finally {
      await db.destroy();
    }
  };

  it('fails when the sessions table does not exist', async () => {
    expect(await check(() => Promise.resolve())).toEqual(
      new Error(SESSION_MESSAGES.sessionTableMissing('"sessions"')),
    );
  });

  it('fails, naming every missing column', async () => {
    const create = (db: DataSource) =>
      db.query(tableLackingTwoColumns('sessions', 'text', 'datetime'));
    expect(await check(create)).toEqual(
      new Error(SESSION_MESSAGES.sessionColumnsMissing('"sessions"', MISSING_COLUMNS)),
    );
  });

  it('fails, naming PortableSessionEntity, when the entity is not registered', async () => {
    expect(await check(() => Promise.resolve(), [])).toEqual(
      new Error(SESSION_MESSAGES.portableSessionEntityMissing('better-sqlite3')),
    );
  });
});

const mariaDbUrl = await testMariaDbUrl('startup check of the TypeORM store on MariaDB');

if (mariaDbUrl) {
  describe('startup check of the TypeORM store on MariaDB', () => {
    const check = async (setup: (db: DataSource) => Promise<unknown>) => {
      const database = await createMariaDbTestDatabase(mariaDbUrl);
      const options = { ...database.typeOrmOptions, migrations: [], migrationsRun: false };
      const db = await new DataSource(options).initialize();
      try {
        return await checkError(db, setup);
      } finally {
        await db.destroy();
        await database.drop();
      }
    };

    it('fails when the sessions table does not exist', async () => {
      expect(await check(() => Promise.resolve())).toEqual(
        new Error(SESSION_MESSAGES.sessionTableMissing('`sessions`')),
      );
    });

    it('fails, naming every missing column', async () => {
      const create = (db: DataSource) =>
        db.query(tableLackingTwoColumns('sessions', 'json', 'datetime(3)'));
      expect(await check(create)).toEqual(
        new Error(SESSION_MESSAGES.sessionColumnsMissing('`sessions`', MISSING_COLUMNS)),
      );
    });
  });
}
