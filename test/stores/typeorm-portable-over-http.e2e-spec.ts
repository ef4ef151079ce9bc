import type { INestApplication } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { SessionModule, TypeOrmSessionStore } from '../../lib/index.js';
import { AccountController } from '../fixtures/account.controller.js';
import { createMariaDbTestDatabase, testMariaDbUrl } from '../support/database-mariadb.js';
import { createSqliteTestDataSource, sqliteTestOptions } from '../support/database-sqlite.js';
import { ADAPTERS, cookieFrom, createHttpApp } from '../support/http-app.js';
import { describeStoreOverHttp } from '../support/store-http-flow.js';

describeStoreOverHttp('TypeOrmSessionStore on SQLite', async () => {
  const dataSource = await createSqliteTestDataSource();
  return {
    store: new TypeOrmSessionStore(dataSource),
    teardown: () => dataSource.destroy(),
  };
});

// DESIGN §1 on SQLite: no `store`, so the module builds TypeOrmSessionStore on the app's DataSource.
describe.each(ADAPTERS)(
  'the default store on a TypeOrmModule SQLite DataSource (%s)',
  (adapter) => {
    let app: INestApplication;

    beforeEach(async () => {
      app = await createHttpApp(adapter, {
        imports: [
          TypeOrmModule.forRoot(sqliteTestOptions()),
          SessionModule.forRoot({ secret: 's'.repeat(32), cleanup: false }),
        ],
        controllers: [AccountController],
      });
    });

    afterEach(() => app.close());

    it('signs in and keeps the session in the sessions table', async () => {
      const http = request(app.getHttpServer());
      const login = await http.post('/login').send({ userId: 'sqlite-user' }).expect(200);
      const me = await http.get('/me').set('Cookie', cookieFrom(login)!).expect(200);
      expect(me.body).toMatchObject({ userId: 'sqlite-user', theme: 'dark' });
      const rows = await app
        .get(DataSource)
        .query<{ user_id: string; data: string }[]>('SELECT user_id, data FROM sessions');
      expect(rows).toEqual([{ user_id: 'sqlite-user', data: '{"theme":"dark"}' }]);
    });
  },
);

const mariaDbUrl = await testMariaDbUrl('TypeOrmSessionStore on MariaDB over HTTP');

if (mariaDbUrl) {
  describeStoreOverHttp('TypeOrmSessionStore on MariaDB', async () => {
    const database = await createMariaDbTestDatabase(mariaDbUrl);
    const dataSource = await new DataSource(database.typeOrmOptions).initialize();
    return {
      store: new TypeOrmSessionStore(dataSource),
      teardown: async () => {
        await dataSource.destroy();
        await database.drop();
      },
    };
  });
}
