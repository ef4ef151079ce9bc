import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppModule } from '../../sample/app.module.js';
import { createTestSchema } from '../support/database.js';
import { createHttpApp } from '../support/http-app.js';
import type { AdapterName } from '../support/http-app.js';

/** The sample app listening on loopback for a browser, and how to stop it. */
export interface RunningSample {
  /** e.g. `http://127.0.0.1:41234`. */
  url: string;
  app: INestApplication;
  stop(): Promise<void>;
}

/**
 * Starts the sample app in this process on an ephemeral loopback port, on the test database
 * (`DATABASE_URL`, or the embedded one) in a fresh schema of its own.
 */
export async function startSample(adapter: AdapterName): Promise<RunningSample> {
  const schema = await createTestSchema();
  const sessionSecret = `browser-e2e-${adapter}-`.padEnd(48, 'x');
  const app = await createHttpApp(adapter, {
    imports: [AppModule.register({ databaseUrl: schema.url, schema: schema.name, sessionSecret })],
  });
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  return {
    url,
    app,
    async stop() {
      await app.close();
      await schema.drop();
    },
  };
}

/**
 * Moves the stored sessions of a user (or one session, by its public id) `ms` into the past:
 * created, last seen, expires and signed in, all alike, as if that long had gone by without them
 * being used. How the tests make a sign-in stale, or a session expire, without waiting: the app
 * reads these columns on its next request (the sample has no read cache). Resolves with how many
 * sessions moved.
 */
export async function ageSessions(
  app: INestApplication,
  ms: number,
  which: { userId: string } | { id: string },
): Promise<number> {
  const dataSource = app.get(DataSource);
  const { schema } = dataSource.options as { schema?: string };
  const table = schema === undefined ? 'sessions' : `"${schema}".sessions`;
  const shift = (column: string) => `${column} = ${column} - $2 * interval '1 millisecond'`;
  const columns = ['created_at', 'last_seen_at', 'expires_at', 'authenticated_at'];
  const [key, value] = 'id' in which ? ['id', which.id] : ['user_id', which.userId];
  const [, moved] = await dataSource.query<[unknown, number]>(
    `UPDATE ${table} SET ${columns.map(shift).join(', ')} WHERE ${key} = $1`,
    [value, ms],
  );
  return moved;
}
