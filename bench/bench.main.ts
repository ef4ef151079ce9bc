import 'reflect-metadata';
import { cpus, loadavg } from 'node:os';
import pg from 'pg';
import {
  CONNECTIONS,
  DATABASE_URL,
  POOL_SIZE,
  PARTIAL_RESULTS_DIR,
  RESULTS_DIR,
  parseBenchArgs,
} from './bench.config.js';
import { VARIANTS, schemaOf, transportOf } from './bench.variants.js';
import { dropSchemas, resetSchemas } from './harness/database.util.js';
import { loadRequestFor } from './harness/operation.util.js';
import { PostgresCpuMonitor } from './harness/postgres-cpu.monitor.js';
import { startServer } from './harness/server.process.js';
import type { ServerProcess } from './harness/server.process.js';
import { countOperationStatements, countStatements } from './harness/statement-count.pass.js';
import type { StatementCounts, StatementMix } from './harness/statement-count.pass.js';
import { runRounds } from './harness/throughput.runner.js';
import type { BenchResults } from './report/bench-results.interface.js';
import { writeResults } from './report/results.writer.js';
import { summarizeVariants } from './report/summarize.util.js';
import { evaluateTargets } from './report/targets.util.js';
import { runScale } from './scale/scale.runner.js';

// `npm run bench [-- --scale] [--rounds N] [--duration S] [--warmup S] [--only id,id]
// [--cpu-prof DIR]`: see the Benchmarks section of the README.

const started = performance.now();
const config = parseBenchArgs(process.argv.slice(2));
const log = (line: string): void => console.log(line);
const variants = VARIANTS.filter((v) => config.only.length === 0 || config.only.includes(v.id));
const unknown = config.only.filter((id) => !variants.some((v) => v.id === id));
if (unknown.length > 0) throw new Error(`unknown variant(s) in --only: ${unknown.join(', ')}`);
const measured = variants.filter((v) => v.skip === undefined);
const loadStart = loadavg()[0];

await resetSchemas(DATABASE_URL, measured.map(schemaOf));
log(`statements per request (SQL proxy), ${measured.length} variants`);
const statements = new Map<string, StatementCounts>();
const operationStatements = new Map<string, StatementMix>();
for (const variant of measured) {
  const counts =
    transportOf(variant) === 'http'
      ? await countStatements(variant, DATABASE_URL)
      : await countOperationStatements(variant, DATABASE_URL);
  if ('me' in counts) statements.set(variant.id, counts);
  else operationStatements.set(variant.id, counts);
  log(`  ${variant.id}: ${JSON.stringify(counts)}`);
}

const monitor = await PostgresCpuMonitor.connect(DATABASE_URL);
const servers: ServerProcess[] = [];
let results: BenchResults;
try {
  const profile = config.cpuProfileDir
    ? ['--cpu-prof', `--cpu-prof-dir=${config.cpuProfileDir}`]
    : [];
  for (const variant of measured) {
    servers.push(await startServer(variant, DATABASE_URL, profile));
    log(`server ${variant.id}: pid ${servers.at(-1)?.pid}`);
  }
  const targets = [];
  for (const server of servers)
    targets.push({ server, request: await loadRequestFor(server.variant, server.url) });
  log(
    `throughput: ${config.rounds} rounds × ${config.duration} s, ${CONNECTIONS} connections ` +
      '(sockets for the WebSocket variants)',
  );
  const samples = await runRounds(targets, monitor, config, log);
  for (const server of servers.splice(0)) await server.stop();

  const summary = summarizeVariants(variants, samples, statements, operationStatements);
  const scale = config.scale ? await runScale(config, monitor, log) : null;
  results = {
    generatedAt: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
      node: process.versions.node,
      postgres: await postgresVersion(),
      loadAverage: { start: loadStart, end: loadavg()[0] },
    },
    config: {
      rounds: config.rounds,
      durationSeconds: config.duration,
      warmupSeconds: config.warmup,
      connections: CONNECTIONS,
      poolSize: POOL_SIZE,
    },
    variants: summary,
    targets: evaluateTargets(summary, scale),
    scale,
    elapsedSeconds: Math.round((performance.now() - started) / 1000),
  };
} finally {
  for (const server of servers) await server.stop();
  await monitor.close();
  await dropSchemas(DATABASE_URL, measured.map(schemaOf));
}

const resultsDir = config.only.length === 0 ? RESULTS_DIR : PARTIAL_RESULTS_DIR;
log(`\n${await writeResults(resultsDir, results)}`);
log(`written to ${resultsDir} (latest.json, latest.md, latest.svg) in ${results.elapsedSeconds} s`);

async function postgresVersion(): Promise<string> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    return String(
      (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]
        ?.server_version,
    );
  } finally {
    await client.end();
  }
}
