import type { LoadResult, LoadSpec, SocketLoadRequest } from './load.process.js';
import { connectSocket } from './socket-client.util.js';
import type { BenchSocket } from './socket-client.util.js';

// The WebSocket load generator, in a process of its own (`fork`ed by load.process.ts): receives
// one LoadSpec, connects `connections` sockets (the handshake sends the cookie), then each
// socket sends the message and awaits its reply, again and again: for the warm-up (unmeasured),
// then, after { type: 'measuring' }, for `duration` seconds (or until { type: 'stop' } when
// `duration` is 0), and sends { type: 'result' }. Every reply must carry the expected data.

const UNTIL_STOPPED_SECONDS = 3600;
/** How long past its end a run waits for replies still in flight before counting them failed. */
const DRAIN_MS = 30_000;

interface Tally {
  latencies: number[];
  failures: number;
}

/** One socket's loop: request, check the reply, repeat until `stopped()`; a closed socket ends it. */
async function drive(
  socket: BenchSocket,
  request: SocketLoadRequest,
  stopped: () => boolean,
  tally: Tally,
): Promise<void> {
  while (!stopped()) {
    const sent = performance.now();
    try {
      const data = await socket.request(request.event);
      if (data === request.expectData) tally.latencies.push(performance.now() - sent);
      else tally.failures++;
    } catch (error) {
      tally.failures++;
      if (String(error).includes('socket closed')) return;
    }
  }
}

async function run(
  sockets: readonly BenchSocket[],
  request: SocketLoadRequest,
  seconds: number,
  stoppable: boolean,
): Promise<LoadResult> {
  const tally: Tally = { latencies: [], failures: 0 };
  let stop = false;
  const timer = setTimeout(() => (stop = true), seconds * 1000);
  const onStop = (message: { type?: string }): void => {
    if (message.type === 'stop') stop = true;
  };
  if (stoppable) process.on('message', onStop);
  const started = performance.now();
  let draining: NodeJS.Timeout | undefined;
  const loops = Promise.all(sockets.map((socket) => drive(socket, request, () => stop, tally)));
  const late = new Promise<'late'>((resolve) => {
    const check = (): void => {
      if (stop) draining = setTimeout(() => resolve('late'), DRAIN_MS);
      else draining = setTimeout(check, 100);
    };
    check();
  });
  if ((await Promise.race([loops, late])) === 'late') tally.failures += sockets.length;
  const elapsed = (performance.now() - started) / 1000;
  clearTimeout(timer);
  clearTimeout(draining);
  if (stoppable) process.off('message', onStop);
  const sorted = tally.latencies.sort((a, b) => a - b);
  const at = (q: number): number =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const requests = sorted.length + tally.failures;
  return {
    requests,
    seconds: elapsed,
    rps: requests / elapsed,
    latencyP50: round(at(0.5)),
    latencyP99: round(at(0.99)),
    latencyMax: round(sorted.at(-1) ?? 0),
    failures: tally.failures,
  };
}

const round = (ms: number): number => Math.round(ms * 100) / 100;

process.once('message', (spec: LoadSpec) => {
  void (async () => {
    const request = spec.request;
    if (request.kind !== 'socket') throw new Error(`socket-load.worker got a ${request.kind} load`);
    const sockets = await Promise.all(
      Array.from({ length: spec.connections }, () =>
        connectSocket(request.platform, spec.url, request.cookie),
      ),
    );
    if (spec.warmup > 0) await run(sockets, request, spec.warmup, false);
    process.send?.({ type: 'measuring' });
    const until = spec.duration === 0;
    const result = await run(
      sockets,
      request,
      until ? UNTIL_STOPPED_SECONDS : spec.duration,
      until,
    );
    for (const socket of sockets) socket.close();
    process.send?.({ type: 'result', result }, () => process.exit(0));
  })().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
});
