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
