import { DataSource } from 'typeorm';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SessionModule, TypeOrmSessionStore } from '../../lib/index.js';
import { describeCacheAcrossInstances } from '../support/cache-flow.js';
import { createTestSchema, isEmbeddedDatabase } from '../support/database.js';
import { createHttpApp } from '../support/http-app.js';

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

describe('read cache on the default TypeORM store', () => {
  it('lets the app close: the listening connection goes back before TypeORM ends its pool', async () => {
    const schema = await createTestSchema();
    try {
      const app = await createHttpApp('express', {
        imports: [
          TypeOrmModule.forRoot(schema.typeOrmOptions),
          SessionModule.forRoot({ secret: 'c'.repeat(32), cache: { ttl: '1m' }, cleanup: false }),
        ],
      });
      await app.close(); // hung forever while the cache released its connection too late
      expect(app.get(DataSource).isInitialized).toBe(false);
    } finally {
      await schema.drop();
    }
  });
});
