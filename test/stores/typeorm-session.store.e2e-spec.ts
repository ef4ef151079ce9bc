import type { DataSource } from 'typeorm';
import { SessionEntity } from '../../lib/stores/typeorm/session.entity.js';
import { TypeOrmSessionStore } from '../../lib/stores/typeorm/typeorm-session.store.js';
import { createTestDataSource, dropTestDataSource } from '../support/database.js';
import { describeSessionStoreContract } from './session-store.contract.js';

let dataSource: DataSource | undefined;

afterAll(async () => {
  if (dataSource) await dropTestDataSource(dataSource);
});

describeSessionStoreContract(
  'TypeOrmSessionStore on PostgreSQL',
  async () => {
    const ready = (dataSource ??= await createTestDataSource());
    return {
      store: new TypeOrmSessionStore(ready),
      teardown: () => ready.getRepository(SessionEntity).clear(),
    };
  },
  { byUser: true, sweep: true },
);
