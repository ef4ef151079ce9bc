import { BENCH_SESSIONS } from '../bench.config.js';
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
  const http = results.variants.filter((v) => v.transport === 'http');
  const lines = [
    `Measured ${results.generatedAt.slice(0, 10)} on ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}, ` +
      `PostgreSQL ${machine.postgres} (load average ${machine.loadAverage.start.toFixed(1)} at start, ` +
      `${machine.loadAverage.end.toFixed(1)} at end). NestJS 12, each server in its own process, ` +
      `autocannon in another, ${config.connections} connections, \`GET /me\` cycling through ` +
      `${BENCH_SESSIONS} signed-in sessions' cookies; ` +
      `median of ${config.rounds} interleaved rounds of ${config.durationSeconds} s (req/s range in ` +
      `brackets). CPU per request from \`/proc\`: the server process, and the Postgres backends ` +
      `serving it. Statements per request counted exactly through a SQL proxy, in a separate pass.`,
    '',
    ...(http.length === 0
      ? []
      : [
          '| setup | req/s | × floor | server + Postgres CPU / req | server | Postgres | `GET /me` | `GET /me/touch` | `GET /health` |',
          '| --- | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |',
          ...http.map(variantRow),
          '',
        ]),
    ...transportsSection(results),
    '### Targets',
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

const TRANSPORT_NAMES: Record<VariantResult['transport'], string> = {
  http: 'HTTP',
  apollo: 'GraphQL',
  mercurius: 'GraphQL',
  'socket.io': 'WebSocket',
  ws: 'WebSocket',
};

/**
 * The GraphQL and WebSocket variants (floor, ours, ours + cache per transport), each ratio
 * against the floor of its own transport; nothing when none ran.
 */
function transportsSection(results: BenchResults): string[] {
  const rows = results.variants.filter((v) => v.transport !== 'http');
  if (rows.length === 0) return [];
  const { config } = results;
  return [
    '### Transports',
    '',
    `The same session read through GraphQL and WebSocket gateways, each against the same app ` +
      `whose resolver or handler reads no session (its floor), in the same interleaved rounds: ` +
      `nestjs-sessions without and with the read cache (\`cache\`, set as in the HTTP "+ cache" rows), ` +
      `× floor being each row's req/s or msg/s over its own transport's floor (1 − × floor: ` +
      `what the session read costs). ` +
      `GraphQL: \`POST /graphql\` \`{ me { userId } }\` cycling through ${BENCH_SESSIONS} ` +
      `signed-in sessions' cookies over ` +
      `${config.connections} connections, the resolver behind \`AuthGuard\` taking \`@Session()\`; ` +
      `every response body is checked. WebSocket: ${config.connections} sockets connected with ` +
      `the cookie, each sending the message \`me\` and awaiting its reply in a loop ` +
      `(messages/s; CPU per message), the handler behind \`AuthGuard\` taking \`@Session()\`; ` +
      `every reply is checked. Statements per query, or per message on an open socket (steady ` +
      `state: a server's first tracked socket also subscribes to the invalidation channel, once; ` +
      `with the cache, a read within its \`ttl\` costs none).`,
    '',
    '| transport | setup | req/s or msg/s | × floor | server + Postgres CPU / op | server | Postgres | p99 | statements / op |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows.map(transportRow),
    '',
  ];
}

function transportRow(v: VariantResult): string {
  const kind = TRANSPORT_NAMES[v.transport];
  if (v.skipped !== null) return `| ${kind} | ${v.label} | — | — | — | — | — | — | ${v.skipped} |`;
  const unit = kind === 'WebSocket' ? 'msg/s' : 'req/s';
  const rps = v.rps === null ? '—' : `${int(v.rps)} ${unit} (${int(v.rpsMin!)}–${int(v.rpsMax!)})`;
  const floor = v.vsFloor === null ? '—' : `${v.vsFloor.toFixed(2)}×`;
  const p99 = v.latencyP99Ms === null ? '—' : `${Number(v.latencyP99Ms.toFixed(1))} ms`;
  const mix = v.operationStatements ? describeMix(v.operationStatements) : '—';
  return `| ${kind} | ${v.label} | ${rps} | ${floor} | ${us(v.totalCpuUs)} | ${us(v.serverCpuUs)} | ${us(v.postgresCpuUs)} | ${p99} | ${mix} |`;
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
