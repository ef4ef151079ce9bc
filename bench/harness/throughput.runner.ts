import { CONNECTIONS } from '../bench.config.js';
import type { BenchConfig } from '../bench.config.js';
import { applicationNameOf } from '../bench.variants.js';
import { startLoad } from './load.process.js';
import type { LoadRequest, LoadResult } from './load.process.js';
import { PostgresCpuMonitor } from './postgres-cpu.monitor.js';
import { processCpu } from './proc-cpu.util.js';
import type { ServerProcess } from './server.process.js';

/** Log column of the variant ids: the longest, `ours-cache-mercurius-fastify`. */
const ID_WIDTH = 28;

/** A running server and what to load it with. */
export interface LoadTarget {
  server: ServerProcess;
  request: LoadRequest;
}

/** One measured run of one variant. CPU in microseconds per request (or message) served. */
export interface RunSample extends LoadResult {
  round: number;
  serverCpuUs: number;
  postgresCpuUs: number;
  postgresBackgroundCpuUs: number;
}

/**
 * Loads `target` for `duration` seconds (after `warmup` unmeasured seconds; `duration` 0 runs
 * until `load.stop()`, see `whileMeasuring`) and measures, over the measured part only, the
 * server process's CPU and its Postgres backends' CPU from `/proc`, divided by the requests
 * served. Throws when any request failed: a variant that answers errors has no throughput.
 */
export async function measure(
  target: LoadTarget,
  monitor: PostgresCpuMonitor,
  timing: { warmup: number; duration: number },
  whileMeasuring?: (stop: () => void) => Promise<void>,
): Promise<Omit<RunSample, 'round'>> {
  const applicationName = applicationNameOf(target.server.variant);
  const load = startLoad({
    url: target.server.url,
    request: target.request,
    connections: CONNECTIONS,
    ...timing,
  });
  await load.measuring;
  const server0 = processCpu(target.server.pid);
  const pg0 = await monitor.snapshot(applicationName);
  if (whileMeasuring) {
    try {
      await whileMeasuring(() => load.stop());
    } catch (error) {
      load.stop();
      await load.result.catch(() => undefined);
      throw error;
    }
  }
  const result = await load.result;
  const server1 = processCpu(target.server.pid);
  const pg1 = await monitor.snapshot(applicationName);
  if (result.failures > 0 || result.requests === 0) {
    throw new Error(
      `${target.server.variant.id} ${describeRequest(target.request)}: ` +
        `${result.failures} failed of ${result.requests}`,
    );
  }
  if (!server0 || !server1) throw new Error(`${target.server.variant.id}: server process gone`);
  const pg = PostgresCpuMonitor.between(pg0, pg1);
  return {
    ...result,
    serverCpuUs: (server1.cpu - server0.cpu) / result.requests,
    postgresCpuUs: pg.backends / result.requests,
    postgresBackgroundCpuUs: pg.background / result.requests,
  };
}

/**
 * `config.rounds` rounds; in each, every target runs once, in an order rotated by one per
 * round, so drift of the machine (other load, thermal, autovacuum) hits every variant alike.
 * One short unmeasured pass first warms every server (JIT, pools, caches).
 */
export async function runRounds(
  targets: readonly LoadTarget[],
  monitor: PostgresCpuMonitor,
  config: BenchConfig,
  log: (line: string) => void,
): Promise<Map<string, RunSample[]>> {
  const samples = new Map<string, RunSample[]>(targets.map((t) => [t.server.variant.id, []]));
  for (const target of targets) await measure(target, monitor, { warmup: 2, duration: 1 });
  for (let round = 1; round <= config.rounds; round++) {
    const shift = (round - 1) % targets.length;
    const order = [...targets.slice(shift), ...targets.slice(0, shift)];
    for (const target of order) {
      const sample = { round, ...(await measure(target, monitor, config)) };
      samples.get(target.server.variant.id)!.push(sample);
      const unit = target.request.kind === 'http' ? 'req' : 'msg';
      log(
        `  round ${round}/${config.rounds} ${target.server.variant.id.padEnd(ID_WIDTH)} ` +
          `${Math.round(sample.rps).toString().padStart(6)} ${unit}/s  ` +
          `server ${sample.serverCpuUs.toFixed(0)} µs  pg ${sample.postgresCpuUs.toFixed(0)} µs per ${unit}`,
      );
    }
  }
  return samples;
}

/** What a target sends, for messages: `GET /me`, `POST /graphql`, `socket.io message 'me'`. */
export function describeRequest(request: LoadRequest): string {
  return request.kind === 'http'
    ? `${request.method} ${request.path}`
    : `${request.platform} message '${request.event}'`;
}
