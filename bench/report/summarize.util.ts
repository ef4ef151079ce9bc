import { transportOf } from '../bench.variants.js';
import type { Variant } from '../bench.variants.js';
import type { StatementCounts, StatementMix } from '../harness/statement-count.pass.js';
import type { RunSample } from '../harness/throughput.runner.js';
import type { VariantResult } from './bench-results.interface.js';

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Medians of each metric over a variant's rounds, and its ratio to the floor of its adapter and
 * transport.
 */
export function summarizeVariants(
  variants: readonly Variant[],
  samples: ReadonlyMap<string, RunSample[]>,
  statements: ReadonlyMap<string, StatementCounts>,
  operationStatements: ReadonlyMap<string, StatementMix>,
): VariantResult[] {
  const results = variants.map((variant): VariantResult => {
    const rounds = samples.get(variant.id) ?? [];
    const of = (pick: (s: RunSample) => number): number | null =>
      rounds.length === 0 ? null : median(rounds.map(pick));
    const rps = rounds.map((s) => s.rps);
    return {
      id: variant.id,
      label: variant.label,
      adapter: variant.adapter,
      family: variant.family,
      transport: transportOf(variant),
      skipped: variant.skip ?? null,
      rps: of((s) => s.rps),
      rpsMin: rps.length ? Math.min(...rps) : null,
      rpsMax: rps.length ? Math.max(...rps) : null,
      vsFloor: null,
      totalCpuUs: of((s) => s.serverCpuUs + s.postgresCpuUs),
      serverCpuUs: of((s) => s.serverCpuUs),
      postgresCpuUs: of((s) => s.postgresCpuUs),
      postgresBackgroundCpuUs: of((s) => s.postgresBackgroundCpuUs),
      latencyP99Ms: of((s) => s.latencyP99),
      statements: statements.get(variant.id) ?? null,
      operationStatements: operationStatements.get(variant.id) ?? null,
      rounds,
    };
  });
  for (const result of results) {
    const floor = results.find(
      (r) =>
        r.family === 'floor' && r.adapter === result.adapter && r.transport === result.transport,
    );
    result.vsFloor = ratio(result.rps, floor?.rps ?? null);
  }
  return results;
}

export function ratio(a: number | null, b: number | null): number | null {
  return a === null || b === null || b === 0 ? null : a / b;
}

/** `SELECT + UPDATE`, `2 SELECT`, `SELECT + 0.05 UPDATE`, or `none`. */
export function describeMix(mix: StatementMix): string {
  const kinds = Object.entries(mix.kinds);
  if (kinds.length === 0) return 'none';
  return kinds.map(([kind, n]) => (n === 1 ? kind : `${Number(n.toFixed(2))} ${kind}`)).join(' + ');
}
