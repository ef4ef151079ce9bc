import { connect } from 'node:net';
import pg from 'pg';
import { testDatabaseUrl } from './database-env.js';
import { startSqlProxy } from './sql-counter.js';
import type { SqlProxy } from './sql-counter.js';

describe('startSqlProxy', () => {
  let proxy: SqlProxy;
  let client: pg.Client;

  async function connectClient(): Promise<pg.Client> {
    const connected = new pg.Client({ connectionString: proxy.url });
    connected.on('error', () => undefined); // a cut connection errors; the test asserts on queries
    await connected.connect();
    return connected;
  }

  beforeEach(async () => {
    proxy = await startSqlProxy(testDatabaseUrl());
    client = await connectClient();
    proxy.reset();
  });

  afterEach(async () => {
    await client.end().catch(() => undefined);
    await proxy.close();
  });

  it('serves queries on a URL of its own on loopback', async () => {
    expect(new URL(proxy.url).hostname).toBe('127.0.0.1');
    expect(new URL(proxy.url).port).not.toBe(new URL(testDatabaseUrl()).port);
    const { rows } = await client.query<{ answer: number }>('SELECT 42 AS answer');
    expect(rows).toEqual([{ answer: 42 }]);
  });

  it('records a simple-protocol query once', async () => {
    await client.query('SELECT 1 AS simple');
    expect(proxy.statements()).toEqual(['SELECT 1 AS simple']);
  });

  it('records an extended-protocol query (with parameters) once', async () => {
    await client.query('SELECT $1::int AS extended', [7]);
    expect(proxy.statements()).toEqual(['SELECT $1::int AS extended']);
  });

  it('counts each execution of a named prepared statement', async () => {
    const query = { name: 'counted', text: 'SELECT $1::int AS n', values: [1] };
    await client.query(query);
    await client.query({ ...query, values: [2] });
    await client.query({ ...query, values: [3] });
    expect(proxy.statements()).toEqual(Array(3).fill('SELECT $1::int AS n'));
  });

  it('filters statements and forgets them on reset', async () => {
    await client.query('SELECT 1 AS sessions');
    await client.query('SELECT 2 AS other');
    expect(proxy.statements(/\bsessions\b/)).toEqual(['SELECT 1 AS sessions']);
    proxy.reset();
    expect(proxy.statements()).toEqual([]);
  });

  it('answers an SSLRequest with N (no encryption)', async () => {
    const socket = connect(Number(new URL(proxy.url).port), '127.0.0.1');
    const request = Buffer.alloc(8);
    request.writeInt32BE(8, 0);
    request.writeInt32BE(80877103, 4);
    socket.write(request);
    const answer = await new Promise<string>((resolve) =>
      socket.once('data', (data) => resolve(data.toString())),
    );
    socket.destroy();
    expect(answer).toBe('N');
  });

  it('drops open connections and refuses new ones once cut', async () => {
    proxy.cut();
    await expect(client.query('SELECT 1')).rejects.toThrow();
    await expect(connectClient()).rejects.toThrow();
  });

  it('accepts connections again once restored', async () => {
    proxy.cut();
    proxy.restore();
    const again = await connectClient();
    const { rows } = await again.query<{ back: number }>('SELECT 1 AS back');
    await again.end();
    expect(rows).toEqual([{ back: 1 }]);
  });
});
