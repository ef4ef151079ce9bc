import type { SessionModuleOptions } from '../lib/index.js';

export type AdapterName = 'express' | 'fastify';

/**
 * - `floor`: the same Nest app with no session at all (the ceiling of any session library).
 * - `ours`: nestjs-sessions on its default TypeORM store (or that store with unnamed statements),
 *   without or with the read cache (`cache`).
 * - `express-session`: express-session + connect-pg-simple (Express only).
 * - `fastify-session`: @fastify/session + @fastify/cookie + connect-pg-simple (Fastify only).
 */
export type VariantFamily = 'floor' | 'ours' | 'express-session' | 'fastify-session';

/**
 * What the load goes through: plain HTTP (`GET /me`), a GraphQL query `{ me { userId } }` on
 * Apollo or Mercurius, or a gateway message `me` answered over socket.io or ws.
 */
export type TransportName = 'http' | 'apollo' | 'mercurius' | 'socket.io' | 'ws';

/** The WebSocket platforms of `@nestjs/websockets` that the bench loads. */
export type SocketPlatform = Extract<TransportName, 'socket.io' | 'ws'>;

/** One server setup under test. Every variant runs in a child process of its own. */
export interface Variant {
  /** Stable id: the Postgres schema is `bench_<id>` (dashes as underscores). */
  id: string;
  label: string;
  adapter: AdapterName;
  family: VariantFamily;
  /**
   * `http` when absent; every variant is compared with the `floor` of the same adapter and
   * transport (ours and ours + cache alike).
   */
  transport?: TransportName;
  /** `ours`: options merged into `SessionModule.forRoot()` over the bench's secret and cookie. */
  sessionOptions?: Omit<SessionModuleOptions, 'secret'>;
  /**
   * `ours`: `new TypeOrmSessionStore(dataSource, { preparedStatements: false })`, what an app
   * behind a transaction pooler runs (measured here on the same direct connection, so the
   * difference is the cost of parsing and planning each statement every time).
   */
  preparedStatements?: false;
  /** `express-session`: connect-pg-simple's `disableTouch`. */
  disableTouch?: boolean;
  /** `fastify-session`: @fastify/session's `rolling` (its default is `true`). */
  rolling?: boolean;
  /** Why this variant is not measured, shown in the report instead of numbers. */
  skip?: string;
}

/**
 * Set to a reason (one line) to skip every "+ cache" variant (HTTP and transports), e.g. when
 * the default store has no invalidation channel (`subscribeInvalidations`) and the cache cannot
 * start on it.
 */
const CACHE_PENDING: string | undefined = undefined;

/** The module options of every "+ cache" variant: ours with the read cache on. */
const CACHE_OPTIONS: Variant['sessionOptions'] = { cache: { ttl: '5s' } };

/** One GraphQL or WebSocket setup: a transport on an adapter. */
export interface TransportSetup {
  transport: Exclude<TransportName, 'http'>;
  adapter: AdapterName;
  /** E.g. `Apollo GraphQL (Express)`, in its variants' labels and its targets. */
  label: string;
}

/** The GraphQL and WebSocket setups, each measured as floor, ours and ours + cache. */
export const TRANSPORT_SETUPS: readonly TransportSetup[] = [
  { transport: 'apollo', adapter: 'express', label: 'Apollo GraphQL (Express)' },
  { transport: 'mercurius', adapter: 'fastify', label: 'Mercurius GraphQL (Fastify)' },
  { transport: 'socket.io', adapter: 'express', label: 'socket.io gateway (Express)' },
  { transport: 'ws', adapter: 'express', label: 'ws gateway (Express)' },
];

/** The id part of a setup's variants: `apollo-express`, `socketio-express`, ... */
export function transportSetupId(setup: Pick<TransportSetup, 'transport' | 'adapter'>): string {
  return `${setup.transport.replace('.', '')}-${setup.adapter}`;
}

export const VARIANTS: readonly Variant[] = [
  {
    id: 'floor-express',
    label: 'Express, no session (floor)',
    adapter: 'express',
    family: 'floor',
  },
  { id: 'ours-express', label: 'nestjs-sessions (Express)', adapter: 'express', family: 'ours' },
  {
    id: 'ours-unnamed-express',
    label: 'nestjs-sessions, unnamed statements (Express)',
    adapter: 'express',
    family: 'ours',
    preparedStatements: false,
  },
  {
    id: 'ours-cache-express',
    label: 'nestjs-sessions + cache (Express)',
    adapter: 'express',
    family: 'ours',
    sessionOptions: CACHE_OPTIONS,
    skip: CACHE_PENDING,
  },
  {
    id: 'es-default',
    label: 'express-session + connect-pg-simple',
    adapter: 'express',
    family: 'express-session',
  },
  {
    id: 'es-notouch',
    label: 'express-session + connect-pg-simple, disableTouch',
    adapter: 'express',
    family: 'express-session',
    disableTouch: true,
  },
  {
    id: 'floor-fastify',
    label: 'Fastify, no session (floor)',
    adapter: 'fastify',
    family: 'floor',
  },
  { id: 'ours-fastify', label: 'nestjs-sessions (Fastify)', adapter: 'fastify', family: 'ours' },
  {
    id: 'ours-unnamed-fastify',
    label: 'nestjs-sessions, unnamed statements (Fastify)',
    adapter: 'fastify',
    family: 'ours',
    preparedStatements: false,
  },
  {
    id: 'ours-cache-fastify',
    label: 'nestjs-sessions + cache (Fastify)',
    adapter: 'fastify',
    family: 'ours',
    sessionOptions: CACHE_OPTIONS,
    skip: CACHE_PENDING,
  },
  {
    id: 'fs-default',
    label: '@fastify/session + connect-pg-simple (rolling)',
    adapter: 'fastify',
    family: 'fastify-session',
  },
  {
    id: 'fs-norolling',
    label: '@fastify/session + connect-pg-simple, rolling: false',
    adapter: 'fastify',
    family: 'fastify-session',
    rolling: false,
  },
  ...TRANSPORT_SETUPS.flatMap(transportVariants),
];

/**
 * The floor, ours and ours + cache over one transport: the same app (the floor's resolver or
 * gateway handler reads nothing, ours reads the session through `@Session()` behind `AuthGuard`),
 * ours on the default TypeORM store like the HTTP variants, without and with the read cache
 * (the HTTP "+ cache" variants' {@link CACHE_OPTIONS}). Ids: `floor-<id>`, `ours-<id>`,
 * `ours-cache-<id>`, `<id>` being its {@link transportSetupId}.
 */
function transportVariants(setup: TransportSetup): Variant[] {
  const { transport, adapter, label } = setup;
  const id = transportSetupId(setup);
  return [
    {
      id: `floor-${id}`,
      label: `${label}, no session (floor)`,
      adapter,
      family: 'floor',
      transport,
    },
    { id: `ours-${id}`, label: `nestjs-sessions, ${label}`, adapter, family: 'ours', transport },
    {
      id: `ours-cache-${id}`,
      label: `nestjs-sessions + cache, ${label}`,
      adapter,
      family: 'ours',
      transport,
      sessionOptions: CACHE_OPTIONS,
      skip: CACHE_PENDING,
    },
  ];
}

/** The transport of a variant (`http` unless it names another). */
export function transportOf(variant: Pick<Variant, 'transport'>): TransportName {
  return variant.transport ?? 'http';
}

/**
 * The scale runs' servers: nestjs-sessions on Express over 1,000 and 1,000,000 stored sessions.
 * `touchInterval: '1h'` so that the reads stay reads (the rows are inserted minutes earlier),
 * and no scheduled sweep: the sweep run calls it explicitly.
 */
export const SCALE_VARIANTS: readonly Variant[] = [
  {
    id: 'scale-1k',
    label: '1,000 stored sessions',
    adapter: 'express',
    family: 'ours',
    sessionOptions: { touchInterval: '1h', cleanup: false },
  },
  {
    id: 'scale-1m',
    label: '1,000,000 stored sessions',
    adapter: 'express',
    family: 'ours',
    sessionOptions: { touchInterval: '1h', cleanup: false },
  },
];

/** The Postgres schema of a variant: each variant has its own, so none sees another's rows. */
export function schemaOf(variant: Variant): string {
  return `bench_${variant.id.replaceAll('-', '_')}`;
}

/** The `application_name` of a variant's connections, to find its Postgres backends. */
export function applicationNameOf(variant: Variant): string {
  return `nestjs-sessions-bench:${variant.id}`;
}

export function findVariant(id: string): Variant {
  const variant = [...VARIANTS, ...SCALE_VARIANTS].find((v) => v.id === id);
  if (!variant) throw new Error(`unknown bench variant "${id}"`);
  return variant;
}
