import { DataSource } from 'typeorm';
import { MemorySessionStore, TypeOrmSessionStore } from '../../lib/index.js';
import { createTestSchema } from '../support/database.js';
import { describeStoreOverHttp } from '../support/store-http-flow.js';

describeStoreOverHttp('MemorySessionStore', () =>
  Promise.resolve({ store: new MemorySessionStore(), teardown: () => Promise.resolve() }),
);

describeStoreOverHttp('TypeOrmSessionStore on PostgreSQL', async () => {
  const schema = await createTestSchema();
  const dataSource = await new DataSource(schema.typeOrmOptions).initialize();
  return {
    store: new TypeOrmSessionStore(dataSource),
    teardown: async () => {
      await dataSource.destroy();
      await schema.drop();
    },
  };
});
