/**
 * The three commands `RedisSessionStore` sends, typed structurally so that this package never
 * imports `ioredis` (an optional peer dependency): an ioredis `Redis` or `Cluster` fits as it is.
 *
 * @publicApi
 */
export interface RedisSessionClient {
  hgetall(key: string): Promise<Record<string, string>>;
  evalsha(sha1: string, numkeys: number, ...args: (string | number)[]): Promise<unknown>;
  eval(script: string, numkeys: number, ...args: (string | number)[]): Promise<unknown>;
  /** Only for the read cache's invalidations (`cache` option). */
  publish?(channel: string, message: string): Promise<unknown>;
  /** Only for the read cache: a second connection, used to subscribe. */
  duplicate?(): RedisSubscriberClient;
  /**
   * A `Cluster`'s node connections (ioredis has it): the read cache subscribes on a connection
   * of its own to one master, whose loss it sees, rather than through the `Cluster`.
   */
  nodes?(role: 'master'): { duplicate(): RedisSubscriberClient }[];
}

/** The subscriber connection the read cache listens on (an ioredis `duplicate()`). */
export interface RedisSubscriberClient {
  subscribe(channel: string): Promise<unknown>;
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  on(event: 'ready' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  quit(): Promise<unknown>;
  /** Drops the connection at once, without waiting for an answer (ioredis has it). */
  disconnect?(): void;
}

/** @publicApi */
export interface RedisSessionStoreOptions {
  /**
   * The start of every key the store writes, so that several apps (or tests) can share one
   * Redis without meeting, and `SCAN MATCH <prefix>*` finds them all.
   *
   * @default 'sess:'
   */
  prefix?: string;
}
