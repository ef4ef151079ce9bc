import { isEmbeddedDatabase } from '../support/database.js';
import { postgresBackend } from './postgres.backend.js';
import { describeScaleOut } from './scale-out.flow.js';

describeScaleOut('PostgreSQL', {
  setup: () => postgresBackend(),
  channel: 'proven',
  sockets: 'socket.io',
  expiry: 'sweep',
  // three processes on one schema need what only a real PostgreSQL gives: LISTEN/NOTIFY and
  // advisory locks between connections (the embedded PGlite has one backend session)
  skip: isEmbeddedDatabase()
    ? 'the tests run on the embedded PGlite, whose connections share one backend session; ' +
      'set DATABASE_URL to a real PostgreSQL'
    : undefined,
});
