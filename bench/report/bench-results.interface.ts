import type { AdapterName, TransportName, VariantFamily } from '../bench.variants.js';
import type { RunSample } from '../harness/throughput.runner.js';
import type { StatementCounts, StatementMix } from '../harness/statement-count.pass.js';

/**
 * One variant's outcome: medians over the rounds (null when skipped). CPU in µs per request, or
 * per message for the WebSocket variants (whose `rps` are messages per second).
 */
export interface VariantResult {
  id: string;
  label: string;
  adapter: AdapterName;
  family: VariantFamily;
  transport: TransportName;
  /** Why it was not measured. */
  skipped: string | null;
  rps: number | null;
  rpsMin: number | null;
  rpsMax: number | null;
  /** Median req/s over the median of the floor of the same adapter and transport. */
  vsFloor: number | null;
  /** Server process + its Postgres backends (median of the per-round sums). */
  totalCpuUs: number | null;
  serverCpuUs: number | null;
  postgresCpuUs: number | null;
  /** Postgres's shared background processes (WAL writer, autovacuum, ...), per request. */
  postgresBackgroundCpuUs: number | null;
  latencyP99Ms: number | null;
  /** HTTP variants: statements per request of each counted route. */
  statements: StatementCounts | null;
  /** GraphQL and WebSocket variants: statements per query, or per message on an open socket. */
  operationStatements: StatementMix | null;
  rounds: RunSample[];
}

/** A performance target, evaluated on this run. */
export interface TargetResult {
  description: string;
  /** What was measured, as text (e.g. `2.41×`, `1 SELECT`). */
  measured: string;
  /** The target, as text (e.g. `≥ 2.0×`). */
  target: string;
  /** null: could not be measured in this run (see `note`). */
  met: boolean | null;
  /** For a missed target: how far off, e.g. `-0.12× (6% short)`. */
  gap: string | null;
  note: string | null;
}

export interface ScaleReadResult {
  storedSessions: number;
  rps: number;
  latencyP99Ms: number;
  serverCpuUs: number;
  postgresCpuUs: number;
  rounds: RunSample[];
}

export interface SweepResult {
  expiredRows: number;
  deleted: number;
  seconds: number;
  rowsPerSecond: number;
  batchSize: number;
  idle: { rps: number; latencyP50Ms: number; latencyP99Ms: number };
  duringSweep: { rps: number; latencyP50Ms: number; latencyP99Ms: number };
}

export interface MemoryStoreResult {
  sessions: number;
  heapDeltaBytes: number;
  bytesPerSession: number;
}

export interface ScaleResults {
  reads: ScaleReadResult[];
  sweep: SweepResult;
  memoryStore: MemoryStoreResult;
}

export interface BenchResults {
  generatedAt: string;
  machine: {
    cpus: number;
    cpuModel: string;
    node: string;
    postgres: string;
    /** 1-minute load average at the start and at the end of the run: other load skews numbers. */
    loadAverage: { start: number; end: number };
  };
  config: {
    rounds: number;
    durationSeconds: number;
    warmupSeconds: number;
    connections: number;
    poolSize: number;
  };
  variants: VariantResult[];
  targets: TargetResult[];
  scale: ScaleResults | null;
  /** How long the whole run took. */
  elapsedSeconds: number;
}
