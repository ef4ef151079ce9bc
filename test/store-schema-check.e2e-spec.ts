import 'reflect-metadata';
import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { SessionEntity, SessionModule, TypeOrmSessionStore } from '../lib/index.js';
import { SESSION_MESSAGES } from '../lib/session.messages.js';
import { AccountController } from './fixtures/account.controller.js';
import { createTestSchema, testDatabaseUrl } from './support/database.js';
import type { PostgresTestOptions, TestSchema } from './support/database.js';
import { ADAPTERS, cookieFrom } from './support/http-app.js';
import { MISSING_COLUMNS, tableLackingTwoColumns } from './support/hand-made-table.js';
import type { AdapterName } from './support/http-app.js';
import { startFreezableRelay } from './support/tcp-relay.js';
import type { FreezableRelay } from './support/tcp-relay.js';

const secret = 'k'.repeat(32);
const TIMEOUT = 300;

/** The warnings logged through Nest's `Logger` while the spy is installed. */
const spyOnWarnings = () =>
  jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);

/** An app on `adapter`, compiled (TypeORM connected), not yet initialised. */
async function createApp(adapter: AdapterName, metadata: ModuleMetadata) {
  const moduleRef = await Test.createTestingModule(metadata).compile();
  const app: INestApplication =
    adapter === 'express'
      ? moduleRef.createNestApplication({ logger: false })
      : moduleRef.createNestApplication(new FastifyAdapter(), { logger: false });
  return app;
}

/** `app.init()`, then, on Fastify, waits until it can take requests. */
async function init(app: INestApplication): Promise<void> {
  await app.init();
  const server = app.getHttpAdapter().getInstance() as { ready?: () => Promise<unknown> };
  await server.ready?.();
}

/** What `app.init()` rejected with (the app is closed either way). */
async function bootError(adapter: AdapterName, metadata: ModuleMetadata): Promise<unknown> {
  const app = await createApp(adapter, metadata);
  try {
    await init(app);
    return undefined;
  } catch (error) {
    return error;
  } finally {
    await app.close();
  }
}

describe.each(ADAPTERS)('startup check of the TypeORM store on PostgreSQL (%s)', (adapter) => {
  let schema: TestSchema;
  let table: string;
  const boot = (typeOrm: PostgresTestOptions) =>
    bootError(adapter, {
      imports: [
        TypeOrmModule.forRoot(typeOrm),
        SessionModule.forRoot({ secret, cleanup: false, storeTimeout: TIMEOUT }),
      ],
    });

  beforeEach(async () => {
    schema = await createTestSchema();
    table = `"${schema.name}"."sessions"`;
  });

  afterEach(() => schema.drop());

  it('stops boot, naming the migrations, when the sessions table does not exist', async () => {
    const error = await boot({ ...schema.typeOrmOptions, migrations: [], migrationsRun: false });
    expect(error).toEqual(new Error(SESSION_MESSAGES.sessionTableMissing(table)));
  });

  it('stops boot, naming the table and every missing column', async () => {
    const db = await new DataSource({ type: 'postgres', url: testDatabaseUrl() }).initialize();
    await db.query(tableLackingTwoColumns(table, 'jsonb', 'timestamptz'));
    await db.destroy();
    const error = await boot({ ...schema.typeOrmOptions, migrations: [], migrationsRun: false });
    expect(error).toEqual(
      new Error(SESSION_MESSAGES.sessionColumnsMissing(table, MISSING_COLUMNS)),
    );
  });

  it('stops boot, naming SessionEntity, when the entity is not registered', async () => {
    const error = await boot({ ...schema.typeOrmOptions, entities: [] });
    expect(error).toEqual(new Error(SESSION_MESSAGES.sessionEntityMissing()));
  });

  describe('when the database does not answer at startup', () => {
    let relay: FreezableRelay;
    let app: INestApplication;
    let warnings: ReturnType<typeof spyOnWarnings>;

    beforeEach(async () => {
      relay = await startFreezableRelay(testDatabaseUrl());
      warnings = spyOnWarnings();
      app = await createApp(adapter, {
        imports: [
          TypeOrmModule.forRoot({ ...schema.typeOrmOptions, url: relay.url }),
          SessionModule.forRoot({ secret, cleanup: false, storeTimeout: TIMEOUT }),
        ],
        controllers: [AccountController],
      });
    });

    afterEach(async () => {
      warnings.mockRestore();
      relay.thaw();
      await app.close();
      await relay.close();
    });

    it('boots within the timeout, says so in one warning, and serves once it answers', async () => {
      relay.freeze(); // after TypeORM connected and migrated: only the check meets the outage
      const started = Date.now();
      await init(app);
      expect(Date.now() - started).toBeLessThan(3_000);
      const [before] = SESSION_MESSAGES.sessionTableUnchecked(table, 'REASON').split('REASON');
      const unchecked = warnings.mock.calls.filter(([message]) =>
        String(message).startsWith(before),
      );
      expect(unchecked).toHaveLength(1);

      const http = () => request(app.getHttpServer());
      await http().post('/login').send({ userId: 'late' }).expect(503);
      relay.thaw();
      const login = await http().post('/login').send({ userId: 'late' }).expect(200);
      await http().get('/me').set('Cookie', cookieFrom(login)!).expect(200);
    });
  });
});

describe('startup check of the TypeORM store, by hand', () => {
  it('checks a DataSource that was still initializing when the store was made', async () => {
    const schema = await createTestSchema();
    const dataSource = new DataSource({ ...schema.typeOrmOptions, migrations: [] });
    try {
      const initializing = dataSource.initialize();
      await expect(
        new TypeOrmSessionStore(dataSource).initialize({ timeout: 5_000 }),
      ).rejects.toThrow(SESSION_MESSAGES.sessionTableMissing(`"${schema.name}"."sessions"`));
      await initializing;
    } finally {
      if (dataSource.isInitialized) await dataSource.destroy();
      await schema.drop();
    }
  });

  it('stops boot when the DataSource is never initialized', async () => {
    const dataSource = new DataSource({ type: 'postgres', entities: [SessionEntity] });
    await expect(new TypeOrmSessionStore(dataSource).initialize({ timeout: 50 })).rejects.toThrow(
      SESSION_MESSAGES.dataSourceNotInitialized(50),
    );
  });
});
