import 'reflect-metadata';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DATABASE_URL } from '../bench.config.js';
import { findVariant } from '../bench.variants.js';
import { createBenchApp } from './bench-app.factory.js';

// One variant's server, in a process of its own: `node bench-server.main.js <variant-id>`,
// forked by the harness (IPC). Database from BENCH_DATABASE_URL, else as the harness's. Tells the harness its port,
// closes on { type: 'stop' } and exits when the harness goes away. Started by hand (e.g. under
// `node --cpu-prof`), it listens on BENCH_PORT (default: any free port), prints its URL and
// stops on SIGINT / SIGTERM, so that the profile is written.

const CLOSE_DEADLINE_MS = 5000;
const variant = findVariant(String(process.argv[2]));
const app = await createBenchApp(variant, process.env.BENCH_DATABASE_URL ?? DATABASE_URL);
await app.listen(Number(process.env.BENCH_PORT ?? 0), '127.0.0.1');
const { port } = (app.getHttpServer() as Server).address() as AddressInfo;

/** Closes the app and exits; after CLOSE_DEADLINE_MS exits anyway (so a profile is written). */
function shutdown(): void {
  const deadline = setTimeout(() => {
    console.error(`${variant.id}: app.close() did not finish in ${CLOSE_DEADLINE_MS} ms`);
    process.exit(0);
  }, CLOSE_DEADLINE_MS);
  void app.close().then(() => {
    clearTimeout(deadline);
    process.exit(0);
  });
}

process.on('message', (message: { type?: string }) => {
  if (message.type === 'stop') shutdown();
});
process.on('disconnect', () => process.exit(0));
if (process.send) {
  process.send({ type: 'ready', port });
} else {
  console.log(`${variant.id} listening on http://127.0.0.1:${port}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, shutdown);
  }
}
