import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { exited, nextMessage } from './child-message.util.js';

const LOAD_WORKER = fileURLToPath(new URL('./load.worker.js', import.meta.url));

/** One load run: GET `path` on `url` over `connections` keep-alive connections. */
export interface LoadSpec {
  url: string;
  path: string;
  /** `Cookie` header values, used in turn (one request each); none: no cookie. */
  cookies: string[];
  connections: number;
  /** Seconds of unmeasured load first. */
  warmup: number;
  /** Seconds of measured load; 0: until `stop()` of the run. */
  duration: number;
}

/** What the load generator saw in the measured part of a run. */
export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  /** Milliseconds (autocannon's histogram has a resolution of 1 ms). */
  latencyP50: number;
  latencyP99: number;
  latencyMax: number;
  /** Non-2xx responses, connection errors and timeouts: must be 0 for a valid run. */
  failures: number;
}

/** A started run: the measured part has begun when `measuring` resolves. */
export interface LoadRun {
  measuring: Promise<void>;
  result: Promise<LoadResult>;
  /** Ends a run started with `duration: 0`. */
  stop(): void;
}

/** Starts autocannon in a child process of its own (so it never shares a CPU budget with us). */
export function startLoad(spec: LoadSpec): LoadRun {
  const child = fork(LOAD_WORKER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  child.send(spec);
  const timeout = (spec.warmup + (spec.duration || 3600) + 60) * 1000;
  const measuring = nextMessage(child, 'measuring', timeout).then(() => undefined);
  const result = nextMessage<{ type: 'result'; result: LoadResult }>(child, 'result', timeout).then(
    async (message) => {
      await exited(child);
      return message.result;
    },
  );
  measuring.catch(() => undefined);
  return { measuring, result, stop: () => child.connected && child.send({ type: 'stop' }) };
}
