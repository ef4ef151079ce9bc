import { createRequire } from 'node:module';
import type * as EmbeddedPostgresModule from '../../sample/embedded-postgres.js';

/** Set to '1' when the tests run on the embedded Postgres (read through test/support). */
export const EMBEDDED_DATABASE_ENV = 'NESTJS_SESSIONS_TEST_EMBEDDED_DB';

/** Where the global setup leaves the embedded database for the global teardown. */
export const EMBEDDED_DATABASE_GLOBAL = '__nestjsSessionsEmbeddedPostgres';

/**
 * Runs once, in Jest's main process, before any worker starts: with `DATABASE_URL` set (CI)
 * the tests use that server; without it, an embedded Postgres is started here and its URL
 * put in `DATABASE_URL`, which the workers inherit.
 *
 * Jest loads this file with Node's own module resolution, which cannot map the project's
 * `./x.js` imports to `x.ts`: so this file imports nothing relative at runtime, and loads
 * the embedded database through `require()` of the `.ts` path, which Jest transforms while
 * this hook runs.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) return;
  const require = createRequire(import.meta.url);
  const { startEmbeddedPostgres } =
    require('../../sample/embedded-postgres.ts') as typeof EmbeddedPostgresModule;
  const database = await startEmbeddedPostgres();
  Reflect.set(globalThis, EMBEDDED_DATABASE_GLOBAL, database);
  process.env.DATABASE_URL = database.url;
  process.env[EMBEDDED_DATABASE_ENV] = '1';
}
