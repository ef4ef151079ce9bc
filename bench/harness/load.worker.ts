import autocannon from 'autocannon';
import type { LoadResult, LoadSpec } from './load.process.js';

// The HTTP load generator, in a process of its own (`fork`ed by load.process.ts): receives one
// LoadSpec, runs the unmeasured warm-up, says { type: 'measuring' }, runs the measured load
// (for `duration` seconds, or until { type: 'stop' } when `duration` is 0) and sends
// { type: 'result' }.

const UNTIL_STOPPED_SECONDS = 3600;

function run(spec: LoadSpec, seconds: number, stoppable: boolean): Promise<LoadResult> {
  const request = spec.request;
  if (request.kind !== 'http') throw new Error(`load.worker runs HTTP loads, not ${request.kind}`);
  const { method, path, body, expectBody } = request;
  const given = request.cookies.filter((cookie) => cookie.length > 0);
  const cookies = given.length > 0 ? given : [undefined];
  const requests = cookies.map((cookie) => ({
    method,
    path,
    headers: { ...request.headers, ...(cookie === undefined ? {} : { cookie }) },
    ...(body === undefined ? {} : { body }),
  }));
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.url,
        connections: spec.connections,
        duration: seconds,
        timeout: 30,
        requests,
        ...(expectBody === undefined ? {} : { verifyBody: (got) => got === expectBody }),
      },
      (error, result) => {
        if (stoppable) process.off('message', onStop);
        if (error) return reject(error);
        const elapsed = (performance.now() - started) / 1000;
        resolve({
          requests: result.requests.total,
          seconds: elapsed,
          rps: result.requests.total / elapsed,
          latencyP50: result.latency.p50,
          latencyP99: result.latency.p99,
          latencyMax: result.latency.max,
          failures: result.non2xx + result.mismatches + result.errors + result.timeouts,
        });
      },
    );
    const onStop = (message: { type?: string }): void => {
      if (message.type === 'stop') instance.stop();
    };
    if (stoppable) process.on('message', onStop);
  });
}

process.once('message', (spec: LoadSpec) => {
  void (async () => {
    if (spec.warmup > 0) await run(spec, spec.warmup, false);
    process.send?.({ type: 'measuring' });
    const until = spec.duration === 0;
    const result = await run(spec, until ? UNTIL_STOPPED_SECONDS : spec.duration, until);
    process.send?.({ type: 'result', result }, () => process.exit(0));
  })().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
});
