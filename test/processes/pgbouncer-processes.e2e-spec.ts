import { testDatabaseUrl } from '../support/database.js';
import { pgBouncerSkipReason, startPgBouncer } from '../support/pgbouncer.js';
import { postgresBackend } from './postgres.backend.js';
import type { ScaleOutBackend } from './scale-out.flow.js';
import { describeScaleOut } from './scale-out.flow.js';

const skip = pgBouncerSkipReason();

/**
 * The schema is made and migrated on Postgres itself; the instances go through PgBouncer, with
 * the documented setting for a transaction pooler (no named prepared statements) and, when
 * `direct`, the documented `invalidationDataSource` on Postgres itself for `LISTEN/NOTIFY`.
 */
async function behindPgBouncer(direct: boolean): Promise<ScaleOutBackend> {
  const bouncer = await startPgBouncer(testDatabaseUrl());
  try {
    const backend = await postgresBackend({
      instanceUrl: bouncer.url,
      preparedStatements: false,
      invalidationUrl: direct ? testDatabaseUrl() : undefined,
    });
    return {
      ...backend,
      teardown: async () => {
        await backend.teardown();
        await bouncer.close();
      },
    };
  } catch (error) {
    await bouncer.close();
    throw error;
  }
}

describeScaleOut('PostgreSQL through PgBouncer (transaction mode)', {
  setup: () => behindPgBouncer(false),
  channel: 'unverified',
  sockets: 'ws',
  expiry: 'sweep',
  skip,
});

describeScaleOut('PostgreSQL through PgBouncer, notifications on a direct connection', {
  setup: () => behindPgBouncer(true),
  channel: 'proven',
  sockets: 'ws',
  expiry: 'sweep',
  skip,
});
