import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster, Redis } from 'ioredis';
import type { ClusterOptions } from 'ioredis';

/** Debian's `redis-server` (7.0, `apt-get install redis-server`), or `REDIS_SERVER_PATH`. */
export const REDIS_SERVER_BINARY: string = process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server';

/** The `redis-cli` that creates the cluster (`--cluster create`), or `REDIS_CLI_PATH`. */
export const REDIS_CLI_BINARY: string = process.env.REDIS_CLI_PATH ?? '/usr/bin/redis-cli';

/** Whether `redis-server` and `redis-cli` are both installed. */
export function hasRedisCluster(): boolean {
  return existsSync(REDIS_SERVER_BINARY) && existsSync(REDIS_CLI_BINARY);
}

/** A Redis Cluster of masters only, each a child process of this one on a loopback port. */
export interface RedisClusterHandle {
  /** Every master's address, as `new Cluster(nodes)` takes them. */
  nodes: { host: string; port: number }[];
  /** Stops every server (by its pid) and removes the cluster's temp dir. */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const SLOTS = 16_384;
const START_TIMEOUT = 15_000;

/**
 * Starts `masters` `redis-server --cluster-enabled yes` children on free loopback ports (the
 * cluster bus on a free port of its own, `--cluster-port`), with no persistence and their
 * cluster config files in a temp dir; joins them with `redis-cli --cluster create
 * --cluster-replicas 0` (the slots split evenly), and resolves once `CLUSTER INFO` says
 * `cluster_state:ok`, with every node known and every slot served, on every node. A port
 * taken by someone else between its choice and the server's start is chosen again (3 tries).
 */
export async function startRedisCluster(masters = 3): Promise<RedisClusterHandle> {
  if (!Number.isInteger(masters) || masters < 3) {
    throw new Error(`a Redis Cluster needs at least 3 masters, not ${masters}`);
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnFreePorts(masters);
    } catch (error) {
      const portTaken = error instanceof Error && /Address already in use/i.test(error.message);
      if (!portTaken || attempt === 3) throw error;
    }
  }
}

async function startOnFreePorts(masters: number): Promise<RedisClusterHandle> {
  const dir = await mkdtemp(join(tmpdir(), 'redis-cluster-'));
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(children.map(stopChild));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const ports = await freePorts(2 * masters);
    const nodes = Array.from({ length: masters }, (_, i) => ({ host: HOST, port: ports[i] }));
    await Promise.all(
      nodes.map(async ({ port }, i) => {
        const child = spawn(
          REDIS_SERVER_BINARY,
          [
            '--port',
            String(port),
            '--bind',
            HOST,
            '--cluster-enabled',
            'yes',
            '--cluster-port',
            String(ports[masters + i]),
            '--cluster-config-file',
            join(dir, `nodes-${port}.conf`),
            '--dir',
            dir,
            '--save',
            '',
            '--appendonly',
            'no',
            '--daemonize',
            'no',
          ],
          { stdio: ['ignore', 'pipe', 'pipe'] },
        );
        children.push(child);
        await outputMatches(child, /Ready to accept connections/, `redis-server on port ${port}`);
      }),
    );
    await runToEnd(REDIS_CLI_BINARY, [
      '--cluster',
      'create',
      ...nodes.map(({ host, port }) => `${host}:${port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    await clusterReady(nodes);
    return { nodes, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * An ioredis `Cluster` client on `handle`, failing fast as the Redis suites' clients do: one
 * retry per command, short connect and slot-refresh timeouts. `options` are merged over these.
 * Its node connections skip ioredis's `CLIENT SETINFO` at connect, which Redis 7.0 answers with
 * an error (7.2 added it), so that `INFO errorstats` counts the errors of the commands under
 * test; the one connection a `Cluster` subscribes on ignores `redisOptions` and still sends it.
 */
export function clusterClient(handle: RedisClusterHandle, options: ClusterOptions = {}): Cluster {
  const { redisOptions, ...rest } = options;
  return new Cluster(handle.nodes, {
    slotsRefreshTimeout: 2_000,
    ...rest,
    redisOptions: {
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      disableClientInfo: true,
      ...redisOptions,
    },
  });
}

/** The masters of a connected `Cluster`, each with the keys starting with `prefix` it holds. */
export async function clusterKeysByNode(
  cluster: Cluster,
  prefix: string,
): Promise<{ node: string; keys: string[] }[]> {
  const masters = cluster.nodes('master');
  if (masters.length === 0) throw new Error('the cluster client knows no master yet');
  return Promise.all(
    masters.map(async (node) => ({
      node: `${node.options.host}:${node.options.port}`,
      keys: await scanNode(node, prefix),
    })),
  );
}

/** Deletes every key starting with `prefix`, on every master, one key per command. */
export async function deleteClusterKeysWithPrefix(cluster: Cluster, prefix: string): Promise<void> {
  const masters = cluster.nodes('master');
  await Promise.all(
    masters.map(async (node) => {
      const keys = await scanNode(node, prefix);
      if (keys.length === 0) return;
      const pipeline = node.pipeline();
      for (const key of keys) pipeline.unlink(key);
      await pipeline.exec();
    }),
  );
}

/**
 * The errors each error code was answered with since the last `CONFIG RESETSTAT`, summed over
 * every node of `handle` (Redis 7's `INFO errorstats`: `CROSSSLOT`, `NOSCRIPT`, `ERR`, …).
 */
export async function clusterErrorCounts(
  handle: RedisClusterHandle,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const info of await onEveryNode(handle, (node) => node.info('errorstats'))) {
    for (const [, code, count] of info.matchAll(/^errorstat_(\S+?):count=(\d+)/gm)) {
      counts[code] = (counts[code] ?? 0) + Number(count);
    }
  }
  return counts;
}

/** `CONFIG RESETSTAT` on every node: error and command counts start again from zero. */
export async function resetClusterStats(handle: RedisClusterHandle): Promise<void> {
  await onEveryNode(handle, (node) => node.config('RESETSTAT'));
}

/** The address (`host:port`) of the master serving `key`'s slot, as the cluster itself says. */
export async function masterOf(handle: RedisClusterHandle, key: string): Promise<string> {
  const { host, port } = handle.nodes[0];
  const [slot, ranges] = await onNode(host, port, async (node) =>
    Promise.all([node.cluster('KEYSLOT', key), node.cluster('SLOTS')]),
  );
  // each range: [first slot, last slot, [master host, port, id, …], …replicas]
  const range = ranges.find(([from, to]) => slot >= from && slot <= to);
  if (!range?.[2]) throw new Error(`no master serves slot ${slot}`);
  const [masterHost, masterPort] = range[2];
  return `${masterHost}:${masterPort}`;
}

/** Runs `command` on a short-lived plain connection to each node, in parallel. */
function onEveryNode<T>(
  handle: Pick<RedisClusterHandle, 'nodes'>,
  command: (node: Redis) => Promise<T>,
): Promise<T[]> {
  return Promise.all(handle.nodes.map(({ host, port }) => onNode(host, port, command)));
}

/** Runs `command` on a short-lived plain connection to one node. */
async function onNode<T>(
  host: string,
  port: number,
  command: (node: Redis) => Promise<T>,
): Promise<T> {
  const node = new Redis(port, host, {
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: () => null,
    disableClientInfo: true,
  });
  try {
    return await command(node);
  } finally {
    node.disconnect();
  }
}

async function scanNode(node: Redis, prefix: string): Promise<string[]> {
  const keys = new Set<string>();
  let cursor = '0';
  do {
    const [next, batch] = await node.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 500);
    for (const key of batch) keys.add(key);
    cursor = next;
  } while (cursor !== '0');
  return [...keys];
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/** Polls `CLUSTER INFO` on every node until each says the whole cluster is up. */
async function clusterReady(nodes: RedisClusterHandle['nodes']): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT;
  const healthy = (info: string) =>
    /^cluster_state:ok\r?$/m.test(info) &&
    new RegExp(`^cluster_slots_ok:${SLOTS}\\r?$`, 'm').test(info) &&
    new RegExp(`^cluster_known_nodes:${nodes.length}\\r?$`, 'm').test(info);
  for (;;) {
    const infos = await onEveryNode({ nodes }, (node) => node.cluster('INFO'));
    if (infos.every(healthy)) return;
    if (Date.now() > deadline) {
      throw new Error(
        `the Redis Cluster was not ready within ${START_TIMEOUT} ms:\n${infos.join('\n')}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Resolves when the child's output matches `ready`; rejects with its output if it exits first. */
function outputMatches(child: ChildProcess, ready: RegExp, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    let settled = false;
    const timer = setTimeout(() => fail(`did not start within ${START_TIMEOUT} ms`), START_TIMEOUT);
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new Error(`${name} ${why}:\n${log}`));
    };
    // read to the end, so that the server never blocks on a full pipe
    const onOutput = (chunk: Buffer) => {
      if (settled) return;
      log += chunk.toString();
      if (!ready.test(log)) return;
      settled = true;
      clearTimeout(timer);
      resolve();
    };
    child.stdout!.on('data', onOutput);
    child.stderr!.on('data', onOutput);
    child.once('error', (error) => fail(`could not be run (${error.message})`));
    child.once('exit', (code, signal) => fail(`exited (${signal ?? `code ${code}`})`));
  });
}

/** Runs a command to its end; rejects with its output unless it exits 0. */
function runToEnd(binary: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), START_TIMEOUT);
    child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`${binary} could not be run (${error.message})`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else
        reject(
          new Error(`${binary} ${args.join(' ')} failed (${signal ?? `code ${code}`}):\n${log}`),
        );
    });
  });
}

/** Stops one child by its pid: SIGTERM, then SIGKILL if it has not exited after 5 s. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    process.kill(child.pid, 'SIGTERM');
  } catch {
    return; // it exited in the meantime
  }
  const timer = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
  }, 5_000);
  await exited;
  clearTimeout(timer);
}

/** `count` distinct loopback ports nothing listens on now (all held open at once, then freed). */
async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, HOST, resolve);
      });
    }
    return servers.map((server) => (server.address() as AddressInfo).port);
  } finally {
    await Promise.all(
      servers.map((server) => new Promise((resolve) => server.close(() => resolve(undefined)))),
    );
  }
}

/** Two keys in different slots (15495 and 3300), on different masters of a 3-master cluster. */
const CROSS_SLOT_KEYS = ['{a}', '{b}'] as const;

/**
 * Proves that `INFO errorstats` counts a `CROSSSLOT` answer on this cluster (a deliberate
 * one-script-two-slots `EVAL`, refused by the server), then resets every node's stats: from
 * then on, `clusterErrorCounts(handle).CROSSSLOT` counts only the commands sent since.
 */
export async function watchForCrossSlot(handle: RedisClusterHandle): Promise<void> {
  const client = clusterClient(handle);
  try {
    await resetClusterStats(handle);
    const refused = await client.eval('return 1', 2, ...CROSS_SLOT_KEYS).then(
      () => undefined,
      (error: unknown) => error,
    );
    if (!(refused instanceof Error) || !refused.message.startsWith('CROSSSLOT')) {
      throw new Error(`a two-slot EVAL was not refused with CROSSSLOT: ${String(refused)}`);
    }
    const counted = (await clusterErrorCounts(handle)).CROSSSLOT;
    if (counted !== 1) throw new Error(`INFO errorstats counted ${counted} CROSSSLOT, not 1`);
  } finally {
    await client.quit();
  }
  await resetClusterStats(handle);
}

/**
 * `describe` for a suite that needs a Redis Cluster, or, where `redis-server` / `redis-cli` are
 * missing, `describe.skip` after a printed warning naming `file` and what to install.
 */
export function describeOnRedisCluster(file: string): typeof describe {
  if (hasRedisCluster()) return describe;
  console.warn(
    `${file} did NOT run: no ${REDIS_SERVER_BINARY} or no ${REDIS_CLI_BINARY} ` +
      '(apt-get install redis-server, or set REDIS_SERVER_PATH and REDIS_CLI_PATH).',
  );
  return describe.skip;
}

/** A cluster of `masters` for `file`'s suite: its masters printed once, CROSSSLOT watched. */
export async function startClusterFor(file: string, masters = 3): Promise<RedisClusterHandle> {
  const handle = await startRedisCluster(masters);
  console.info(
    `${file}: Redis Cluster masters on ` +
      handle.nodes.map(({ host, port }) => `${host}:${port}`).join(', '),
  );
  await watchForCrossSlot(handle);
  return handle;
}
