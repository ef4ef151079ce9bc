import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

const LOCAL_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * The Redis the Redis suites run against: `REDIS_URL` when set (CI always sets it, so the
 * suites always run there, and fail if it is down), else a Redis answering at 127.0.0.1:6379,
 * else none: the suites are then not defined, and this says so once per file.
 */
export async function testRedisUrl(suite: string): Promise<string | undefined> {
  const configured = process.env.REDIS_URL;
  if (configured) return configured;
  if (await answersPing(LOCAL_REDIS_URL)) return LOCAL_REDIS_URL;
  console.warn(
    `${suite}: the Redis suites did NOT run: REDIS_URL is unset and no Redis answered at ` +
      `${LOCAL_REDIS_URL}. Start Redis or set REDIS_URL to run them.`,
  );
  return undefined;
}

async function answersPing(url: string): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 500,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** A prefix no other test (file, run, worker) uses: `test:<pid>:<random>:`. */
export function uniquePrefix(): string {
  return `test:${process.pid}:${randomBytes(6).toString('hex')}:`;
}

/** Every key starting with `prefix` (SCAN, never KEYS). */
export async function keysWithPrefix(client: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await client.scan(
      cursor,
      'MATCH',
      `${escapeGlob(prefix)}*`,
      'COUNT',
      500,
    );
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return [...new Set(keys)];
}

/** Deletes every key starting with `prefix`. */
export async function deleteKeysWithPrefix(client: Redis, prefix: string): Promise<void> {
  const keys = await keysWithPrefix(client, prefix);
  if (keys.length > 0) await client.del(...keys);
}

/**
 * An ioredis client on a loopback port where nothing listens, failing every command at once
 * (no offline queue, no retry): a Redis that is down.
 */
export async function unreachableRedis(): Promise<Redis> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const client = new Redis(port, '127.0.0.1', {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    disconnectTimeout: 0, // no timer left behind by disconnect() for the never-opened socket
  });
  client.on('error', () => undefined);
  return client;
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
