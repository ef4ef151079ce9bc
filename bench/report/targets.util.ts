import { TRANSPORT_SETUPS, transportSetupId } from '../bench.variants.js';
import type { StatementMix } from '../harness/statement-count.pass.js';
import type { ScaleResults, TargetResult, VariantResult } from './bench-results.interface.js';
import { describeMix, ratio } from './summarize.util.js';

const NO_CACHE = ['ours-express', 'ours-fastify'];

/** Ours with the read cache vs the no-session floor: a session read costs at most 15%. */
const CACHE_VS_FLOOR = 0.85;
/** The same on Fastify, whose floor does so little per request that 30% is the bound. */
const FASTIFY_CACHE_VS_FLOOR = 0.7;

/** Evaluates the performance targets on one run's results. */
export function evaluateTargets(
  variants: readonly VariantResult[],
  scale: ScaleResults | null,
): TargetResult[] {
  const byId = (id: string) => variants.find((v) => v.id === id);
  const throughput = (
    description: string,
    ours: string,
    other: string,
    min: number,
  ): TargetResult => {
    const a = byId(ours);
    const b = byId(other);
    const skipped = a?.skipped ?? b?.skipped ?? (a && b ? null : 'variant not run (--only)');
    return atLeast(description, ratio(a?.rps ?? null, b?.rps ?? null), min, skipped);
  };
  const cpu = (description: string, ours: string, other: string, max: number): TargetResult => {
    const a = byId(ours);
    const b = byId(other);
    return atMost(description, ratio(a?.totalCpuUs ?? null, b?.totalCpuUs ?? null), max);
  };
  const targets = [
    throughput(
      'Express: ours vs express-session + connect-pg-simple (defaults)',
      'ours-express',
      'es-default',
      3.0,
    ),
    throughput('Express: ours vs the same with `disableTouch`', 'ours-express', 'es-notouch', 1.5),
    cpu(
      'Express: server + Postgres CPU per request, ours vs `disableTouch`',
      'ours-express',
      'es-notouch',
      0.7,
    ),
    throughput(
      'Fastify: ours vs @fastify/session + connect-pg-simple (defaults, rolling)',
      'ours-fastify',
      'fs-default',
      3.0,
    ),
    throughput(
      'Fastify: ours vs the same with `rolling: false`',
      'ours-fastify',
      'fs-norolling',
      1.5,
    ),
    cpu(
      'Fastify: server + Postgres CPU per request, ours vs `rolling: false`',
      'ours-fastify',
      'fs-norolling',
      0.7,
    ),
    throughput(
      'Express: ours with the read cache vs the no-session floor',
      'ours-cache-express',
      'floor-express',
      CACHE_VS_FLOOR,
    ),
    throughput(
      'Fastify: ours with the read cache vs the no-session floor',
      'ours-cache-fastify',
      'floor-fastify',
      FASTIFY_CACHE_VS_FLOOR,
    ),
    ...TRANSPORT_SETUPS.map((setup) =>
      throughput(
        `${setup.label}: ours with the read cache vs the no-session floor`,
        `ours-cache-${transportSetupId(setup)}`,
        `floor-${transportSetupId(setup)}`,
        CACHE_VS_FLOOR,
      ),
    ),
    statements(
      'GET /me (unmodified, within touchInterval): exactly 1 read, 0 writes',
      variants,
      'me',
      1,
      0,
    ),
    statements('GET /me/touch (one key changed): 1 read, exactly 1 write', variants, 'touch', 1, 1),
    statements('GET /health (route without the session): 0 statements', variants, 'health', 0, 0),
  ];
  if (scale) {
    const [small, large] = scale.reads;
    targets.push(
      atLeast(
        'Reads with 1M stored sessions vs 1k (within 10%)',
        ratio(large.rps, small.rps),
        0.9,
        null,
      ),
    );
    const { idle, duringSweep } = scale.sweep;
    targets.push(
      atMost(
        'p99 of GET /me during the sweep of 1M expired rows vs idle',
        ratio(duringSweep.latencyP99Ms, idle.latencyP99Ms),
        2.0,
      ),
    );
  }
  return targets;
}

function atLeast(
  description: string,
  measured: number | null,
  min: number,
  skipped: string | null,
): TargetResult {
  const base = { description, target: `≥ ${min.toFixed(2)}×` };
  if (measured === null) return { ...base, measured: '—', met: null, gap: null, note: skipped };
  const met = measured >= min;
  const short = ((min - measured) / min) * 100;
  const gap = met ? null : `${(min - measured).toFixed(2)}× (${short.toFixed(0)}%)`;
  return { ...base, measured: `${measured.toFixed(2)}×`, met, gap, note: null };
}

function atMost(description: string, measured: number | null, max: number): TargetResult {
  const base = { description, target: `≤ ${max.toFixed(2)}×` };
  if (measured === null)
    return { ...base, measured: '—', met: null, gap: null, note: 'not measured' };
  const met = measured <= max;
  const gap = met
    ? null
    : `${(measured - max).toFixed(2)}× (${(((measured - max) / max) * 100).toFixed(0)}%)`;
  return { ...base, measured: `${measured.toFixed(2)}×`, met, gap, note: null };
}

/** Statement counts of our variants (both adapters), exact. */
function statements(
  description: string,
  variants: readonly VariantResult[],
  route: 'me' | 'touch' | 'health',
  reads: number,
  writes: number,
): TargetResult {
  // Without the cache: a cached read is meant to cost no statement.
  const ours = variants.filter((v) => NO_CACHE.includes(v.id) && v.statements !== null);
  const mixes = ours.map((v) => [v, v.statements![route]] as const);
  const ok = (mix: StatementMix) =>
    mix.reads === reads && mix.writes === writes && mix.total === reads + writes;
  const met = mixes.length === 0 ? null : mixes.every(([, mix]) => ok(mix));
  const measured = mixes.map(([v, mix]) => `${v.adapter}: ${describeMix(mix)}`).join(' · ') || '—';
  const target = `${reads} read${reads === 1 ? '' : 's'}, ${writes} write${writes === 1 ? '' : 's'}`;
  const bad = mixes.filter(([, mix]) => !ok(mix)).map(([v]) => v.adapter);
  const gap = met === false ? `differs on ${bad.join(', ')}` : null;
  return {
    description,
    measured,
    target,
    met,
    gap,
    note: met === null ? 'variant not run (--only)' : null,
  };
}
