import { createHash, createHmac } from 'node:crypto';
import { BENCH_SECRET } from '../bench.config.js';

const SEED = 'nestjs-sessions-bench:';

/** base64url of a bytea, in SQL (as Node's `digest('base64url')`: no padding). */
const base64url = (bytes: string): string =>
  `rtrim(translate(encode(${bytes}, 'base64'), '+/', '-_'), '=')`;

/** The SQL of the token of live session `g`: base64url(sha256(seed || g)), 43 characters. */
const TOKEN_SQL = base64url(`sha256(convert_to('${SEED}' || g, 'UTF8'))`);

/**
 * One statement inserting live, signed-in sessions `from`..`to` into `table`. Each row's id is
 * the SHA-256 of a token the bench can rebuild ({@link benchCookie}), exactly as the library
 * stores it, so these rows are served like any signed-in session.
 */
export function insertLiveSessionsSql(table: string, from: number, to: number): string {
  return (
    `INSERT INTO ${table} (id, user_id, data, created_at, last_seen_at, expires_at, authenticated_at, user_agent, ip) ` +
    `SELECT ${base64url("sha256(convert_to(t.token, 'UTF8'))")}, 'user-' || t.g, '{"theme":"dark"}'::jsonb, ` +
    "now(), now(), now() + interval '24 hours', now(), 'autocannon', '127.0.0.1' " +
    `FROM (SELECT g, ${TOKEN_SQL} AS token FROM generate_series(${from}, ${to}) AS g) AS t`
  );
}

/** One statement inserting `count` sessions that expired between 1 day and ~1 day + count ms ago. */
export function insertExpiredSessionsSql(table: string, count: number): string {
  return (
    `INSERT INTO ${table} (id, user_id, data, created_at, last_seen_at, expires_at, authenticated_at, user_agent, ip) ` +
    "SELECT 'expired-' || g, 'user-' || g, '{\"theme\":\"dark\"}'::jsonb, now() - interval '2 days', " +
    "now() - interval '2 days', now() - interval '1 day' - make_interval(secs => g / 1000.0), NULL, " +
    `'autocannon', '127.0.0.1' FROM generate_series(1, ${count}) AS g`
  );
}

/** The `Cookie` header of live session `g` inserted by {@link insertLiveSessionsSql}. */
export function benchCookie(g: number): string {
  const token = createHash('sha256').update(`${SEED}${g}`).digest('base64url');
  const signature = createHmac('sha256', BENCH_SECRET).update(token).digest('base64url');
  return `sid=${token}.${signature}`;
}

/** `count` distinct session numbers drawn at random from 1..`max`. */
export function sampleSessions(count: number, max: number): number[] {
  const picked = new Set<number>();
  while (picked.size < Math.min(count, max)) picked.add(1 + Math.floor(Math.random() * max));
  return [...picked];
}
