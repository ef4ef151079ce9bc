import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SESSION_OPTIONS } from '../../lib/session.constants.js';
import { DATABASE_URL } from '../bench.config.js';
import type { BenchConfig } from '../bench.config.js';
import { SCALE_VARIANTS, schemaOf } from '../bench.variants.js';
import { nextMessage } from '../harness/child-message.util.js';
import { dropSchemas, execute, resetSchemas } from '../harness/database.util.js';
import { requestJson } from '../harness/http-client.util.js';
import type { PostgresCpuMonitor } from '../harness/postgres-cpu.monitor.js';
import { startServer } from '../harness/server.process.js';
import type { ServerProcess } from '../harness/server.process.js';
import { measure, runRounds } from '../harness/throughput.runner.js';
import type { LoadTarget } from '../harness/throughput.runner.js';
import type {
  MemoryStoreResult,
  ScaleReadResult,
  ScaleResults,
  SweepResult,
} from '../report/bench-results.interface.js';
import { median } from '../report/summarize.util.js';
import {
  benchCookie,
  insertExpiredSessionsSql,
  insertLiveSessionsSql,
  sampleSessions,
} from './bulk-sessions.sql.js';

const STORED = [1_000, 1_000_000] as const;
const EXPIRED = 1_000_000;
const COOKIES = 1_000;
/** `deleteExpired()` deletes in batches of the default `cleanup.batchSize` when the schedule is off. */
const SWEEP_BATCH = DEFAULT_SESSION_OPTIONS.cleanup.batchSize;
const MEMORY_SESSIONS = 100_000;
const MEMORY_WORKER = fileURLToPath(new URL('./memory-store.worker.js', import.meta.url));

type SweepStatus = { done: false } | { done: true; deleted: number; ms: number };

const table = (schema: string): string => `"${schema}"."sessions"`;

/**
 * The scale runs: reads over 1k vs 1M stored sessions (interleaved rounds), the
 * sweep of 1M expired rows while reads go on, and the memory store's heap at 100k sessions.
 */
export async function runScale(
  config: BenchConfig,
  monitor: PostgresCpuMonitor,
  log: (line: string) => void,
): Promise<ScaleResults> {
  const schemas = SCALE_VARIANTS.map(schemaOf);
  await resetSchemas(DATABASE_URL, schemas);
  const servers: ServerProcess[] = [];
  try {
    for (const variant of SCALE_VARIANTS) servers.push(await startServer(variant, DATABASE_URL));
    const targets = await Promise.all(
      servers.map(async (server, i): Promise<LoadTarget> => {
        const stored = STORED[i];
        const started = performance.now();
        await execute(DATABASE_URL, insertLiveSessionsSql(table(schemas[i]), 1, stored));
        await execute(DATABASE_URL, `VACUUM ANALYZE ${table(schemas[i])}`);
        log(`  inserted ${stored.toLocaleString('en-US')} sessions in ${seconds(started)} s`);
        const cookies = sampleSessions(COOKIES, stored).map(benchCookie);
        return { server, request: { kind: 'http', method: 'GET', path: '/me', cookies } };
      }),
    );
    log('scale: reads over 1k vs 1M stored sessions');
    const samples = await runRounds(targets, monitor, config, log);
    const reads = targets.map((target, i): ScaleReadResult => {
      const rounds = samples.get(target.server.variant.id)!;
      return {
        storedSessions: STORED[i],
        rps: median(rounds.map((s) => s.rps)),
        latencyP99Ms: median(rounds.map((s) => s.latencyP99)),
        serverCpuUs: median(rounds.map((s) => s.serverCpuUs)),
        postgresCpuUs: median(rounds.map((s) => s.postgresCpuUs)),
        rounds,
      };
    });
    const sweep = await runSweep(targets[1], schemas[1], config, monitor, log);
    const memoryStore = await measureMemoryStore();
    log(`scale: memory store ${memoryStore.bytesPerSession.toFixed(0)} bytes per session`);
    return { reads, sweep, memoryStore };
  } finally {
    for (const server of servers) await server.stop();
    await dropSchemas(DATABASE_URL, schemas);
  }
}

/** p99 of GET /me idle, then while the server's own sweep deletes 1M expired rows. */
async function runSweep(
  target: LoadTarget,
  schema: string,
  config: BenchConfig,
  monitor: PostgresCpuMonitor,
  log: (line: string) => void,
): Promise<SweepResult> {
  const started = performance.now();
  await execute(DATABASE_URL, insertExpiredSessionsSql(table(schema), EXPIRED));
  await execute(DATABASE_URL, `VACUUM ANALYZE ${table(schema)}`);
  log(
    `scale: inserted ${EXPIRED.toLocaleString('en-US')} expired sessions in ${seconds(started)} s`,
  );
  const idle = await measure(target, monitor, {
    warmup: config.warmup,
    duration: config.duration * 2,
  });
  let swept = { done: false } as SweepStatus;
  const sweepDone = async (stop: () => void): Promise<void> => {
    await requestJson(target.server.url, '/bench/sweep', 'POST');
    while (!swept.done) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      swept = await requestJson<SweepStatus>(target.server.url, '/bench/sweep');
    }
    stop();
  };
  const during = await measure(target, monitor, { warmup: config.warmup, duration: 0 }, sweepDone);
  if (!swept.done) throw new Error('the sweep did not finish');
  const { deleted, ms } = swept;
  log(
    `scale: swept ${deleted} rows in ${(ms / 1000).toFixed(1)} s; p99 ${during.latencyP99} vs ${idle.latencyP99} ms idle`,
  );
  const summary = (r: typeof idle) => ({
    rps: r.rps,
    latencyP50Ms: r.latencyP50,
    latencyP99Ms: r.latencyP99,
  });
  return {
    expiredRows: EXPIRED,
    deleted,
    seconds: ms / 1000,
    rowsPerSecond: deleted / (ms / 1000),
    batchSize: SWEEP_BATCH,
    idle: summary(idle),
    duringSweep: summary(during),
  };
}

async function measureMemoryStore(): Promise<MemoryStoreResult> {
  const child = fork(MEMORY_WORKER, [String(MEMORY_SESSIONS)], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const { sessions, heapDeltaBytes } = await nextMessage<{
    type: 'result';
    sessions: number;
    heapDeltaBytes: number;
  }>(child, 'result', 120_000);
  return { sessions, heapDeltaBytes, bytesPerSession: heapDeltaBytes / sessions };
}

const seconds = (since: number): string => ((performance.now() - since) / 1000).toFixed(1);
