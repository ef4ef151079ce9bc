import { createHash, randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { SESSION_MESSAGES } from '../../session.messages.js';
import type {
  SessionInvalidation,
  SessionInvalidationListener,
} from '../session-record.interface.js';

/** The parts of a `pg` client the channel uses. */
interface ListeningClient {
  query(sql: string): Promise<unknown>;
  on(
    event: 'notification',
    listener: (message: { channel: string; payload?: string }) => void,
  ): void;
  on(event: 'error' | 'end', listener: (error?: Error) => void): void;
  removeAllListeners(): void;
}

type Release = (error?: unknown) => void;

interface PoolDriver {
  obtainMasterConnection(): Promise<[ListeningClient, Release]>;
}

const RECONNECT_DELAYS_MS = [100, 500, 1_000, 2_000, 5_000, 30_000];

/** How long a probe notification may take to come back before the channel is distrusted. */
const PROBE_TIMEOUT_MS = 2_000;

/**
 * Session invalidations over PostgreSQL `LISTEN/NOTIFY`, on a channel named after the
 * sessions table (so apps on different schemas never hear each other). Listening holds one
 * connection of the DataSource's pool for the app's lifetime and reconnects by itself.
 *
 * Before the cache may trust it, the channel proves itself: a probe is published from
 * another pool connection and must come back. Where `LISTEN` cannot hear other connections
 * (PgBouncer in transaction mode, an embedded single-session Postgres), the probe never
 * returns, the cache stays bypassed and a warning says why.
 */
export class PostgresInvalidationChannel {
  private readonly logger = new Logger('SessionCache');
  readonly name: string;

  constructor(
    private readonly dataSource: DataSource,
    tablePath: string,
  ) {
    this.name = `nestjs_sessions_${createHash('sha256').update(tablePath).digest('hex').slice(0, 16)}`;
  }

  async publish(event: SessionInvalidation): Promise<void> {
    await this.dataSource.query('SELECT pg_notify($1, $2)', [this.name, JSON.stringify(event)]);
  }

  async subscribe(listener: SessionInvalidationListener): Promise<() => Promise<void>> {
    let stopped = false;
    let current: { client: ListeningClient; release: Release } | undefined;
    let attempt = 0;
    let timer: NodeJS.Timeout | undefined;

    const lost = (error?: unknown) => {
      if (!current) return;
      current.client.removeAllListeners();
      current.client.on('error', () => undefined); // a late error must not crash the process
      current.release(error ?? new Error('listener connection ended'));
      current = undefined;
      listener.connected(false);
      retry();
    };
    const retry = () => {
      if (stopped) return;
      const delay = RECONNECT_DELAYS_MS[Math.min(attempt++, RECONNECT_DELAYS_MS.length - 1)];
      timer = setTimeout(() => void connect(), delay);
      timer.unref();
    };
    const connect = async () => {
      try {
        const driver = this.dataSource.driver as unknown as PoolDriver;
        const [client, release] = await driver.obtainMasterConnection();
        current = { client, release };
        client.on('error', lost);
        client.on('end', lost);
        const probe = `probe:${randomBytes(12).toString('base64url')}`;
        const heard = new Promise<void>((resolve) => {
          client.on('notification', ({ channel, payload }) => {
            if (channel !== this.name || !payload) return;
            const event = parse(payload);
            if ('ids' in event && event.ids[0] === probe) resolve();
            else listener.invalidate(event);
          });
        });
        await client.query(`LISTEN "${this.name}"`);
        await this.publish({ ids: [probe] });
        if (!(await within(heard, PROBE_TIMEOUT_MS))) {
          this.logger.warn(SESSION_MESSAGES.cacheChannelUnverified(this.name));
          lost(new Error('probe notification not received'));
          return;
        }
        attempt = 0;
        listener.connected(true);
      } catch (error) {
        this.logger.debug(`LISTEN failed: ${String(error)}`);
        if (current) lost(error);
        else retry();
      }
    };

    await connect();
    return async () => {
      stopped = true;
      clearTimeout(timer);
      const held = current;
      current = undefined;
      if (!held) return;
      held.client.removeAllListeners();
      held.client.on('error', () => undefined);
      try {
        await held.client.query(`UNLISTEN "${this.name}"`);
        held.release();
      } catch (error) {
        held.release(error);
      }
    };
  }
}

/** Whether `promise` settles within `ms`. */
async function within(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const result = await Promise.race([promise.then(() => true), timeout]);
  clearTimeout(timer);
  return result;
}

function parse(payload: string): SessionInvalidation {
  return JSON.parse(payload) as SessionInvalidation;
}
