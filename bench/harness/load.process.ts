import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { SocketPlatform } from '../bench.variants.js';
import { exited, nextMessage } from './child-message.util.js';

const HTTP_WORKER = fileURLToPath(new URL('./load.worker.js', import.meta.url));
const SOCKET_WORKER = fileURLToPath(new URL('./socket-load.worker.js', import.meta.url));

/** HTTP requests sent by autocannon over keep-alive connections. */
export interface HttpLoadRequest {
  kind: 'http';
  method: 'GET' | 'POST';
  path: string;
  /** `Cookie` header values, used in turn (one request each); none: no cookie. */
  cookies: string[];
  headers?: Record<string, string>;
  body?: string;
  /** The exact body every response must have (else it counts as a failure); any when absent. */
  expectBody?: string;
}

/** One gateway message, sent by each connected socket as soon as its previous one is answered. */
export interface SocketLoadRequest {
  kind: 'socket';
  platform: SocketPlatform;
  /** `Cookie` header of every socket's handshake. */
  cookie: string;
  /** The message's event name, also the reply's. */
  event: string;
  /** `JSON.stringify` of the data every reply must carry (else it counts as a failure). */
  expectData: string;
}

export type LoadRequest = HttpLoadRequest | SocketLoadRequest;

/** One load run: `request` on `url` over `connections` connections (or sockets). */
export interface LoadSpec {
  url: string;
  request: LoadRequest;
  connections: number;
  /** Seconds of unmeasured load first. */
  warmup: number;
  /** Seconds of measured load; 0: until `stop()` of the run. */
  duration: number;
}

/** What the load generator saw in the measured part of a run (messages count as requests). */
export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  /** Milliseconds (autocannon's histogram has a resolution of 1 ms). */
  latencyP50: number;
  latencyP99: number;
  latencyMax: number;
  /**
   * Non-2xx responses, bodies other than expected, connection errors, timeouts, exceptions
   * and disconnections: must be 0 for a valid run.
   */
  failures: number;
}

/** A started run: the measured part has begun when `measuring` resolves. */
export interface LoadRun {
  measuring: Promise<void>;
  result: Promise<LoadResult>;
  /** Ends a run started with `duration: 0`. */
  stop(): void;
}

/**
 * Starts the load generator (autocannon, or the socket worker) in a child process of its own,
 * so it never shares a CPU budget with us.
 */
export function startLoad(spec: LoadSpec): LoadRun {
  const worker = spec.request.kind === 'http' ? HTTP_WORKER : SOCKET_WORKER;
  const child = fork(worker, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
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
