import { EMBEDDED_DATABASE_ENV } from '../setup/global-setup.js';

/** The database every test uses: `DATABASE_URL`, set by CI or by the global setup. */
export function testDatabaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error(
      'DATABASE_URL is not set: run the tests with `npm test` (its global setup starts an ' +
        'embedded Postgres when DATABASE_URL is unset).',
    );
  }
  return url;
}

/**
 * Whether the tests run on the embedded Postgres. Its connections share one backend, so
 * behaviour that needs two independent database sessions (lock contention) cannot be shown
 * there.
 */
export function isEmbeddedDatabase(): boolean {
  return process.env[EMBEDDED_DATABASE_ENV] === '1';
}
