import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { INSTANCE_CONFIG_ENV, READY_LINE } from './instance.config.js';
import type { InstanceConfig, InstanceStats } from './instance.config.js';

/** How long an instance may take to boot, and to exit once told to. */
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;

/** One instance process, as the test (the load balancer) sees it. */
export interface Instance {
  /** `#1`, `#2`, … in the order started. */
  readonly name: string;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly pid: number;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** An HTTP request to it, with `cookie` when given (JSON body when `body` is given). */
  request(method: 'GET' | 'POST', path: string, options?: RequestOptions): Promise<Reply>;
  stats(): Promise<InstanceStats>;
  /** SIGTERM by pid (SIGKILL past 5 s); resolves once it exited. */
  stop(): Promise<void>;
}

export interface RequestOptions {
  cookie?: string;
  body?: unknown;
}

export interface Reply {
  status: number;
  body: unknown;
  /** `name=value` of the session cookie it set, if it set one. */
  cookie: string | undefined;
}

/**
 * Starts one instance process per config, all at once, each on a free loopback port of its
 * own (it listens on port 0 and prints the port). Rejects with the output of one that exits
 * or stays silent; those already started are stopped then.
 */
export async function startInstances(
  entry: string,
  configs: InstanceConfig[],
): Promise<Instance[]> {
  const starting = configs.map((config, i) => startInstance(entry, config, `#${i + 1}`));
  const results = await Promise.allSettled(starting);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (!failed) return results.map((r) => (r as PromiseFulfilledResult<Instance>).value);
  await stopInstances(results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])));
  throw failed.reason;
}

/** Stops every instance by its pid, all at once. */
export async function stopInstances(instances: readonly Instance[]): Promise<void> {
  await Promise.all(instances.map((instance) => instance.stop()));
}

function startInstance(entry: string, config: InstanceConfig, name: string): Promise<Instance> {
  // stdin stays open for the child's lifetime: it exits when it ends (this process gone)
  const child = spawn(process.execPath, ['--enable-source-maps', entry], {
    env: { ...process.env, [INSTANCE_CONFIG_ENV]: JSON.stringify(config), NO_COLOR: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  let onReady: ((port: number) => void) | undefined;
  // read to the end, so that a child never blocks on a full pipe
  const read = (chunk: Buffer) => {
    output += chunk.toString();
    const ready = onReady && READY_LINE.exec(output);
    if (ready) onReady!(Number(ready[1]));
  };
  child.stdout.on('data', read);
  child.stderr.on('data', read);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
      reject(new Error(`instance ${name} ${why}:\n${output}`));
    };
    const timer = setTimeout(
      () => fail(`printed no ready line within ${START_TIMEOUT_MS} ms`),
      START_TIMEOUT_MS,
    );
    onReady = (port) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(instance(child, name, port, () => output, exited));
    };
    child.once('error', (error) => fail(`could not be run (${error.message})`));
    child.once('exit', (code, signal) => fail(`exited (${signal ?? `code ${code}`})`));
  });
}

function instance(
  child: ChildProcess,
  name: string,
  port: number,
  output: () => string,
  exited: Promise<void>,
): Instance {
  const url = `http://127.0.0.1:${port}`;
  const request = async (method: 'GET' | 'POST', path: string, options: RequestOptions = {}) => {
    const headers: Record<string, string> = {};
    if (options.cookie) headers.cookie = options.cookie;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(url + path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    const cookie = response.headers
      .getSetCookie()
      .find((c) => c.startsWith('sid='))
      ?.split(';')[0];
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null, cookie };
  };
  return {
    name,
    url,
    pid: child.pid!,
    output,
    request,
    stats: async () => (await request('GET', '/stats')).body as InstanceStats,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      process.kill(child.pid!, 'SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), STOP_TIMEOUT_MS);
      });
      if ((await Promise.race([exited, late])) === 'late') {
        process.kill(child.pid!, 'SIGKILL');
        await exited;
      }
      clearTimeout(timer);
    },
  };
}
