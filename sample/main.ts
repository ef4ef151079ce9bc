import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { AppModule } from './app.module.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { startBanner } from './start-banner.js';

// `npm start`: Express by default, Fastify with `--fastify` or ADAPTER=fastify; PORT (3000);
// DATABASE_URL, else an embedded Postgres in memory; SESSION_SECRET, else a random one.
const fastify = process.argv.includes('--fastify') || process.env.ADAPTER === 'fastify';
const port = Number(process.env.PORT ?? 3000);
const embedded = process.env.DATABASE_URL ? undefined : await startEmbeddedPostgres();
const databaseUrl = embedded?.url ?? String(process.env.DATABASE_URL);
// A random secret invalidates all cookies on restart: fine for a demo; SESSION_SECRET keeps them.
const sessionSecret = process.env.SESSION_SECRET ?? randomBytes(48).toString('base64url');

const module = AppModule.register({ databaseUrl, sessionSecret });
let app: INestApplication;
if (fastify) {
  const { FastifyAdapter } = await import('@nestjs/platform-fastify');
  app = await NestFactory.create(module, new FastifyAdapter());
} else {
  app = await NestFactory.create(module);
}
await app.listen(port, '127.0.0.1');
const database = embedded ? 'embedded Postgres, in memory' : 'DATABASE_URL';
console.log(
  startBanner(await app.getUrl(), { adapter: fastify ? 'fastify' : 'express', database }),
);

// Not `app.enableShutdownHooks()`: Nest's handler re-raises the signal right after closing the
// app, leaving no turn to stop the embedded database once TypeORM has closed its pool.
// `app.close()` runs the same shutdown hooks (sessions sweep stopped, pool closed, server closed).
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app
      .close()
      .then(() => embedded?.stop())
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        console.error(error);
        process.exit(1);
      });
  });
}
