import { fileURLToPath } from 'node:url';

/** The database every variant uses, each in a schema of its own. */
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';

/** Concurrent HTTP connections of the load generator. */
export const CONNECTIONS = 32;

/** Connections in each server's Postgres pool (`pg`'s default, for every variant alike). */
export const POOL_SIZE = 10;

/** Secret of every variant (at least 32 characters for all three libraries). */
export const BENCH_SECRET = 'bench-secret-0123456789-abcdefghijklmnop';

/** The user every variant signs in. */
export const BENCH_USER = 'bench-user';

/**
 * Signed-in sessions an HTTP or GraphQL load cycles through, one request each in turn, so that
 * every setup reads many sessions at once (as a real app does), not one row over and over.
 */
export const BENCH_SESSIONS = 64;

/** The GraphQL operation of the GraphQL variants: what `GET /me` is to the HTTP ones. */
export const BENCH_GRAPHQL_QUERY = '{ me { userId } }';

/** The gateway message of the WebSocket variants (its reply has the same event name). */
export const BENCH_SOCKET_EVENT = 'me';

/** Where a full run's results go (`latest.json`, `latest.md`, `latest.svg`): `bench/results/`. */
export const RESULTS_DIR = fileURLToPath(new URL('../../../../bench/results/', import.meta.url));

/** Where a partial run (`--only`) writes the same files, git-ignored, leaving `latest.*` alone. */
export const PARTIAL_RESULTS_DIR = fileURLToPath(
  new URL('../../../../bench/results/partial.tmp/', import.meta.url),
);

/** What one `npm run bench [-- flags]` does. */
export interface BenchConfig {
  /** Measured rounds; every variant runs once per round, in a rotating order. */
  rounds: number;
  /** Seconds of load per measured run. */
  duration: number;
  /** Seconds of unmeasured load just before each measured run. */
  warmup: number;
  /** Also run the scale runs (1k vs 1M sessions, the sweep, memory store). */
  scale: boolean;
  /** Only these variant ids (all when empty). */
  only: string[];
  /** Directory for a V8 CPU profile of each throughput server (`node --cpu-prof`), or none. */
  cpuProfileDir: string | undefined;
}

const USAGE =
  'usage: npm run bench [-- --scale] [--rounds N] [--duration SECONDS] [--warmup SECONDS] ' +
  '[--only id,id] [--cpu-prof DIR]';

/** Parses `process.argv`-style flags; throws with the usage line on anything unknown. */
export function parseBenchArgs(args: readonly string[]): BenchConfig {
  const config: BenchConfig = {
    rounds: 5,
    duration: 5,
    warmup: 1,
    scale: false,
    only: [],
    cpuProfileDir: undefined,
  };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    const value = (): string => {
      const next = args[++i];
      if (next === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
      return next;
    };
    const positive = (): number => {
      const n = Number(value());
      if (!Number.isFinite(n) || n <= 0)
        throw new Error(`${flag} needs a positive number\n${USAGE}`);
      return n;
    };
    if (flag === '--scale') config.scale = true;
    else if (flag === '--rounds') config.rounds = Math.round(positive());
    else if (flag === '--duration') config.duration = positive();
    else if (flag === '--warmup') config.warmup = positive();
    else if (flag === '--only') config.only = value().split(',');
    else if (flag === '--cpu-prof') config.cpuProfileDir = value();
    else throw new Error(`unknown flag ${flag}\n${USAGE}`);
  }
  return config;
}
