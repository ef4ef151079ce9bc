import { DataSource } from 'typeorm';
import { SESSION_MESSAGES } from '../../lib/session.messages.js';
import { TypeOrmSessionStore } from '../../lib/stores/typeorm/typeorm-session.store.js';
import { createTestSchema } from '../support/database.js';
import type { TestSchema } from '../support/database.js';
import { startFreezableRelay } from '../support/tcp-relay.js';
import type { FreezableRelay } from '../support/tcp-relay.js';
import { sessionRecord } from './session-record.factory.js';

const TIMEOUT = 300;
/** "Does not hang": ten times the timeout; it measures nothing finer. */
const WITHIN_MS = 3_000;

/** How long `work` took to settle, and its rejection (or `undefined` when it resolved). */
async function timed(work: Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const started = performance.now();
  const error = await work.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  return { ms: performance.now() - started, error };
}

// The store on its own, no SessionModule around it (which bounds each request as well): the
// store's own connection side gives up by itself once `initialize()` told it the timeout.
describe('TypeOrmSessionStore on PostgreSQL when the network silently drops packets', () => {
  let relay: FreezableRelay;
  let schema: TestSchema;
  let dataSource: DataSource;
  let store: TypeOrmSessionStore;

  beforeAll(async () => {
    relay = await startFreezableRelay(process.env.DATABASE_URL!);
    schema = await createTestSchema({ url: relay.url });
    // one pool connection, so the second call below has to open a new one
    dataSource = await new DataSource({ ...schema.typeOrmOptions, poolSize: 1 }).initialize();
    store = new TypeOrmSessionStore(dataSource);
    await store.initialize({ timeout: TIMEOUT });
  });

  afterAll(async () => {
    relay.thaw();
    await dataSource.destroy();
    await schema.drop();
    await relay.close();
  });

  afterEach(() => relay.thaw());

  it('gives up a statement after the timeout, and answers right once the network is back', async () => {
    const record = sessionRecord({ data: { note: 'before the freeze' } });
    const other = sessionRecord({ data: { note: 'another session' } });
    await store.create(record);
    await store.create(other);
    relay.freeze();
    const { ms, error } = await timed(store.find(record.id, new Date()));
    expect(error).toBeInstanceOf(Error);
    expect(ms).toBeLessThan(WITHIN_MS);
    relay.thaw(); // the frozen answer arrives now, and must not be taken for another's
    expect(await store.find(other.id, new Date())).toEqual(other);
    expect(await store.find(record.id, new Date())).toEqual(record);
  });

  it('closes the connection it hung on, and bounds the wait for a new one', async () => {
    const record = sessionRecord();
    await store.create(record);
    relay.freeze();
    await timed(store.find(record.id, new Date())); // times out: its connection is closed
    // so the pool's only slot opens a new connection, which hears nothing (a reused one would
    // time out on the statement instead)
    const { ms, error } = await timed(store.find(record.id, new Date()));
    expect(error).toMatchObject({
      message: SESSION_MESSAGES.storeTimedOut('connect to the database', TIMEOUT),
    });
    expect(ms).toBeLessThan(WITHIN_MS);
    relay.thaw();
    expect(await store.find(record.id, new Date())).toEqual(record);
  });
});
