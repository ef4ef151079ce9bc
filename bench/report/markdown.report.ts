import type {
  BenchResults,
  ScaleResults,
  TargetResult,
  VariantResult,
} from './bench-results.interface.js';
import { describeMix } from './summarize.util.js';

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const us = (n: number | null): string => (n === null ? '—' : `${int(n)} µs`);

/** The results as markdown: the table the README shows, the targets, the scale runs. */
export function markdownReport(results: BenchResults): string {
  const { machine, config } = results;
  const lines = [
    `Measured ${results.generatedAt.slice(0, 10)} on ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}, ` +
      `PostgreSQL ${machine.postgres} (load average ${machine.loadAverage.start.toFixed(1)} at start, ` +
      `${machine.loadAverage.end.toFixed(1)} at end). NestJS 12, each server in its own process, ` +
      `autocannon in another, ${config.connections} connections, \`GET /me\` with a signed-in cookie; ` +
      `median of ${config.rounds} interleaved rounds of ${config.durationSeconds} s (req/s range in ` +
      `brackets). CPU per request from \`/proc\`: the server process, and the Postgres backends ` +
      `serving it. Statements per request counted exactly through a SQL proxy, in a separate pass.`,
    '',
    '| setup | req/s | × floor | server + Postgres CPU / req | server | Postgres | `GET /me` | `GET /me/touch` | `GET /health` |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |',
    ...results.variants.map(variantRow),
    '',
    '### Targets (issue 5)',
    '',
    '| target | measured | goal | result |',
    '| --- | --- | --- | --- |',
    ...results.targets.map(targetRow),
  ];
  if (results.scale) lines.push('', ...scaleSection(results.scale));
  return `${lines.join('\n')}\n`;
}

function variantRow(v: VariantResult): string {
  if (v.skipped !== null) return `| ${v.label} | — | — | — | — | — | ${v.skipped} | | |`;
  const rps = v.rps === null ? '—' : `${int(v.rps)} (${int(v.rpsMin!)}–${int(v.rpsMax!)})`;
  const floor = v.vsFloor === null ? '—' : `${v.vsFloor.toFixed(2)}×`;
  const st = v.statements;
  const mix = (route: 'me' | 'touch' | 'health') => (st ? describeMix(st[route]) : '—');
  return `| ${v.label} | ${rps} | ${floor} | ${us(v.totalCpuUs)} | ${us(v.serverCpuUs)} | ${us(v.postgresCpuUs)} | ${mix('me')} | ${mix('touch')} | ${mix('health')} |`;
}

function targetRow(t: TargetResult): string {
  const result =
    t.met === null
      ? `not measured: ${t.note ?? ''}`
      : t.met
        ? '✅ met'
        : `❌ missed by ${t.gap ?? ''}`;
  return `| ${t.description} | ${t.measured} | ${t.target} | ${result} |`;
}

function scaleSection(scale: ScaleResults): string[] {
  const { sweep, memoryStore } = scale;
  return [
    '### Scale runs (`npm run bench -- --scale`)',
    '',
    'nestjs-sessions on Express, `GET /me` over 1,000 different signed-in sessions chosen at random ' +
      'among those stored (1,000 or 1,000,000), the two servers measured in interleaved rounds.',
    '',
    '| stored sessions | req/s | p99 latency | server CPU / req | Postgres CPU / req |',
    '| ---: | ---: | ---: | ---: | ---: |',
    ...scale.reads.map(
      (r) =>
        `| ${int(r.storedSessions)} | ${int(r.rps)} | ${r.latencyP99Ms} ms | ${us(r.serverCpuUs)} | ${us(r.postgresCpuUs)} |`,
    ),
    '',
    `Sweep: \`SessionService.deleteExpired()\` deleted ${int(sweep.deleted)} expired rows (of ` +
      `${int(sweep.expiredRows)}, next to 1,000,000 live ones) in batches of ${int(sweep.batchSize)}, in ` +
      `${sweep.seconds.toFixed(1)} s (${int(sweep.rowsPerSecond)} rows/s), inside the server while it ` +
      `served \`GET /me\`: p99 ${sweep.duringSweep.latencyP99Ms} ms during the sweep vs ` +
      `${sweep.idle.latencyP99Ms} ms idle (p50 ${sweep.duringSweep.latencyP50Ms} vs ` +
      `${sweep.idle.latencyP50Ms} ms; ${int(sweep.duringSweep.rps)} vs ${int(sweep.idle.rps)} req/s).`,
    '',
    `Memory store: ${int(memoryStore.sessions)} signed-in sessions in a \`MemorySessionStore\` take ` +
      `${(memoryStore.heapDeltaBytes / 1048576).toFixed(1)} MiB of heap ` +
      `(${int(memoryStore.bytesPerSession)} bytes per session).`,
  ];
}
