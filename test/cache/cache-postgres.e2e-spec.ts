import { DataSource } from 'typeorm';
import { TypeOrmSessionStore } from '../../lib/index.js';
import { describeCacheAcrossInstances } from '../support/cache-flow.js';
import { createTestSchema, isEmbeddedDatabase } from '../support/database.js';

describeCacheAcrossInstances('PostgreSQL (LISTEN/NOTIFY)', async () => {
  const schema = await createTestSchema();
  const dataSources: DataSource[] = [];
  return {
    channelWorks: !isEmbeddedDatabase(),
    storeForInstance: async () => {
      const dataSource = await new DataSource(schema.typeOrmOptions).initialize();
      dataSources.push(dataSource);
      return new TypeOrmSessionStore(dataSource);
    },
    teardown: async () => {
      await Promise.all(dataSources.map((dataSource) => dataSource.destroy()));
      await schema.drop();
    },
  };
});
