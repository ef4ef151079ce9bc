import { startSqlProxy } from '../../test/support/sql-counter.js';
import type { Variant } from '../bench.variants.js';
import { get, login } from './http-client.util.js';
import { loadRequestFor, openOperations } from './operation.util.js';
import { startServer } from './server.process.js';

/** The statements one request costs, on average over the pass (exact when all alike). */
export interface StatementMix {
  /** All statements per request. */
  total: number;
  reads: number;
  writes: number;
  /** Per request, by kind: `SELECT`, `UPDATE`, `INSERT`, `upsert` (INSERT … ON CONFLICT), ... */
  kinds: Record<string, number>;
}

/** The routes every variant serves, and what each measures. */
export const COUNTED_ROUTES = {
  me: '/me', // reads the session, changes nothing
  touch: '/me/touch', // changes one key
  health: '/health', // does not use the session
} as const;

export type StatementCounts = Record<keyof typeof COUNTED_ROUTES, StatementMix>;

const REQUESTS_PER_ROUTE = 20;
/** Time for what a first operation starts in the background (a channel subscription) to end. */
const SETTLE_MS = 500;

/**
 * Counts, exactly, every SQL statement a variant's server runs per request: the server runs
 * (in its own process, as in the throughput runs) against the SQL-counting proxy of the test
 * suite, signs in, then each route is requested {@link REQUESTS_PER_ROUTE} times in sequence
 * with the signed-in cookie. Not done during the throughput runs (the proxy costs time).
 */
export async function countStatements(
  variant: Variant,
  databaseUrl: string,
): Promise<StatementCounts> {
  const proxy = await startSqlProxy(databaseUrl);
  const server = await startServer(variant, proxy.url);
  try {
    const cookie = await login(server.url);
    const counts = {} as StatementCounts;
    for (const [name, path] of Object.entries(COUNTED_ROUTES) as [
      keyof StatementCounts,
      string,
    ][]) {
      proxy.reset();
      for (let i = 0; i < REQUESTS_PER_ROUTE; i++) await get(server.url, path, cookie);
      counts[name] = mix(proxy.statements(), REQUESTS_PER_ROUTE);
    }
    return counts;
  } finally {
    await server.stop();
    await proxy.close();
  }
}

/**
 * The statements one operation of a GraphQL or WebSocket variant costs in steady state (the
 * query, or one message on an open socket), counted as {@link countStatements} does over
 * {@link REQUESTS_PER_ROUTE} operations in sequence, after one uncounted operation and a pause:
 * a server's first tracked socket subscribes to the store's invalidation channel (`LISTEN`, a
 * `pg_notify` and one re-read of the tracked sessions, once per process), not counted here. With
 * `cache` the sign-in and that first operation have filled the cache, so the counted operations
 * are cache hits (none within its `ttl`), as `GET /me` is for the HTTP "+ cache" variants.
 */
export async function countOperationStatements(
  variant: Variant,
  databaseUrl: string,
): Promise<StatementMix> {
  const proxy = await startSqlProxy(databaseUrl);
  const server = await startServer(variant, proxy.url);
  try {
    const request = await loadRequestFor(variant, server.url);
    const operations = await openOperations(request, server.url);
    try {
      await operations.run(1);
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      proxy.reset();
      await operations.run(REQUESTS_PER_ROUTE);
      return mix(proxy.statements(), REQUESTS_PER_ROUTE);
    } finally {
      operations.close();
    }
  } finally {
    await server.stop();
    await proxy.close();
  }
}

function mix(statements: string[], requests: number): StatementMix {
  const kinds: Record<string, number> = {};
  let reads = 0;
  let writes = 0;
  for (const sql of statements) {
    const kind = kindOf(sql);
    kinds[kind] = (kinds[kind] ?? 0) + 1;
    if (kind === 'SELECT') reads++;
    else if (['INSERT', 'UPDATE', 'DELETE', 'upsert'].includes(kind)) writes++;
  }
  for (const kind of Object.keys(kinds)) kinds[kind] /= requests;
  return {
    total: statements.length / requests,
    reads: reads / requests,
    writes: writes / requests,
    kinds,
  };
}

function kindOf(sql: string): string {
  const verb = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? '?';
  return verb === 'INSERT' && /\bON\s+CONFLICT\b/i.test(sql) ? 'upsert' : verb;
}
