import type { EmbeddedPostgres } from '../../sample/embedded-postgres.js';

/** Same as `EMBEDDED_DATABASE_GLOBAL` in global-setup.ts (no relative runtime import here). */
const EMBEDDED_DATABASE_GLOBAL = '__nestjsSessionsEmbeddedPostgres';

/** Stops the embedded Postgres the global setup started, if it started one. */
export default async function globalTeardown(): Promise<void> {
  const database = Reflect.get(globalThis, EMBEDDED_DATABASE_GLOBAL) as
    EmbeddedPostgres | undefined;
  Reflect.deleteProperty(globalThis, EMBEDDED_DATABASE_GLOBAL);
  await database?.stop();
}
