import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Variant } from '../bench.variants.js';
import { exited, nextMessage } from './child-message.util.js';

const SERVER_MAIN = fileURLToPath(new URL('../server/bench-server.main.js', import.meta.url));

/** A variant's server running in a child process of its own. */
export interface ServerProcess {
  variant: Variant;
  pid: number;
  url: string;
  /** Closes the app (its pool included) and waits for the process to exit. */
  stop(): Promise<void>;
}

/**
 * Forks the variant's server on a free loopback port, against `databaseUrl`, and waits until
 * it listens. Extra `nodeArgs` (e.g. `--cpu-prof`) go to its `node`.
 */
export async function startServer(
  variant: Variant,
  databaseUrl: string,
  nodeArgs: string[] = [],
): Promise<ServerProcess> {
  const child: ChildProcess = fork(SERVER_MAIN, [variant.id], {
    env: { ...process.env, BENCH_DATABASE_URL: databaseUrl, NODE_ENV: 'production' },
    execArgv: nodeArgs,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const { port } = await nextMessage<{ type: 'ready'; port: number }>(child, 'ready', 60_000);
  return {
    variant,
    pid: child.pid!,
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      if (child.connected) child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited(child);
      clearTimeout(timer);
    },
  };
}
