import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
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
