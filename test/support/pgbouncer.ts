import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isEmbeddedDatabase } from './database-env.js';

/** Debian's PgBouncer (`apt-get install pgbouncer`), or `PGBOUNCER_PATH`. */
export const PGBOUNCER_BINARY = process.env.PGBOUNCER_PATH ?? '/usr/sbin/pgbouncer';

/** A PgBouncer child process in transaction mode, in front of one Postgres server. */
export interface PgBouncer {
  /** The target URL with host and port replaced by PgBouncer's. */
  url: string;
  /** Stops PgBouncer (by its pid) and removes its files. */
  close(): Promise<void>;
}

/** Whether the PgBouncer binary is installed. */
export function hasPgBouncer(): boolean {
  return existsSync(PGBOUNCER_BINARY);
}

/** Why a PgBouncer suite cannot run here, or `undefined` when it can. */
export function pgBouncerSkipReason(): string | undefined {
  if (!hasPgBouncer()) {
    return `no PgBouncer at ${PGBOUNCER_BINARY} (apt-get install pgbouncer, or set PGBOUNCER_PATH)`;
  }
  if (!isEmbeddedDatabase()) return undefined;
  return (
    'the tests run on the embedded PGlite, whose connections all share one backend session, ' +
    'so a pooler in front of it cannot move statements between sessions; set DATABASE_URL ' +
    'to a real PostgreSQL'
  );
}

/**
 * Starts PgBouncer on a free loopback port in front of the Postgres at `targetUrl`, with
 * `pool_mode = transaction` (each transaction on any server connection, as managed
 * transaction poolers do), no prepared-statement tracking (1.18 has none), `auth_type = trust`,
 * and `poolSize` server connections per database and user, fewer than the app's pool, so
 * client connections really move between server connections.
 */
export async function startPgBouncer(targetUrl: string, poolSize = 5): Promise<PgBouncer> {
  const target = new URL(targetUrl);
  const user = decodeURIComponent(target.username);
  const dir = await mkdtemp(join(tmpdir(), 'pgbouncer-'));
  const port = await freePort();
  const ini = join(dir, 'pgbouncer.ini');
  await writeFile(join(dir, 'userlist.txt'), `"${user}" ""\n`);
  await writeFile(
    ini,
    [
      '[databases]',
      `* = host=${target.hostname} port=${target.port || 5432}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      "unix_socket_dir = ''",
      'auth_type = trust',
      `auth_file = ${join(dir, 'userlist.txt')}`,
      'pool_mode = transaction',
      'max_client_conn = 400',
      `default_pool_size = ${poolSize}`,
      '',
    ].join('\n'),
  );
  // PgBouncer refuses to run as root; as root (CI's container) it is told to switch user.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) await chmod(dir, 0o755);
  const child = spawn(PGBOUNCER_BINARY, [...(asRoot ? ['-u', 'nobody'] : []), ini], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    await listening(child);
  } catch (error) {
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const url = new URL(targetUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.toString(),
    close: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        process.kill(child.pid!, 'SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves when PgBouncer logs that it listens; rejects with its log when it exits first. */
function listening(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    let up = false;
    const timer = setTimeout(() => fail('did not start within 10 s'), 10_000);
    const fail = (why: string) => {
      if (up) return;
      clearTimeout(timer);
      reject(new Error(`PgBouncer ${why}:\n${log}`));
    };
    // read to the end, so that PgBouncer never blocks on a full pipe
    const onOutput = (chunk: Buffer) => {
      if (up) return;
      log += chunk.toString();
      if (!/process up/.test(log)) return;
      up = true;
      clearTimeout(timer);
      resolve();
    };
    child.stdout!.on('data', onOutput);
    child.stderr!.on('data', onOutput);
    child.once('error', (error) => fail(`could not be run (${error.message})`));
    child.once('exit', (code) => fail(`exited with code ${code}`));
  });
}

/** A loopback port nothing listens on now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
