import { createHash, randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { SESSION_MESSAGES } from '../../session.messages.js';
import type {
  SessionInvalidation,
  SessionInvalidationListener,
} from '../session-record.interface.js';
import { withDeadline } from '../store-deadline.util.js';

/** The parts of a `pg` client the channel uses. */
interface ChannelClient {
  query(sql: string, values?: unknown[]): Promise<unknown>;
  on(
    event: 'notification',
    listener: (message: { channel: string; payload?: string }) => void,
  ): void;
  on(event: 'error' | 'end', listener: (error?: Error) => void): void;
  removeListener(event: 'error', listener: (error?: Error) => void): void;
  removeAllListeners(): void;
}

/** Gives a connection back to the pool; with an error, destroys it instead. */
type Release = (error?: unknown) => void;

interface PoolDriver {
  obtainMasterConnection(): Promise<[ChannelClient, Release]>;
}

interface Held {
  client: ChannelClient;
  release: Release;
}

const RECONNECT_DELAYS_MS = [100, 500, 1_000, 2_000, 5_000, 30_000];

/** How long a probe notification may take to come back before the channel is distrusted. */
const PROBE_TIMEOUT_MS = 2_000;

/** A connection that errors after it was given up must not crash the process. */
const ignore = () => undefined;

/**
 * Session invalidations over PostgreSQL `LISTEN/NOTIFY`, on a channel named after the
 * sessions table (so apps on different schemas never hear each other). Listening holds one
 * connection of the DataSource's pool for the app's lifetime and reconnects by itself: the
 * store's own DataSource, or the one given as `invalidationDataSource` (a direct connection
 * beside a transaction pooler).
 *
 * Before the cache may trust it, the channel proves itself: a probe is published from
 * another pool connection and must come back. Where `LISTEN` cannot hear other connections
 * (PgBouncer in transaction mode, an embedded single-session Postgres), the probe never
 * returns, the cache stays bypassed and a warning says why.
 *
 * Every wait on a connection (getting one, `LISTEN`, `pg_notify`, `UNLISTEN`) is bounded by
 * `storeTimeout` (see {@link configure}); a connection that outlasts it is destroyed, never given
 * back to the pool, so a black-holed database holds up neither startup, nor a request, nor
 * the pool's end at shutdown.
 */
export class PostgresInvalidationChannel {
  private readonly logger = new Logger('SessionCache');
  readonly name: string;
  /** `storeTimeout`; unbounded until {@link configure}d. */
  private timeout = Infinity;
  /** The probe's failure was logged (once for all subscribers, until a probe is heard again). */
  private warnedUnverified = false;

  constructor(
    private readonly dataSource: DataSource,
    tablePath: string,
  ) {
    this.name = `nestjs_sessions_${createHash('sha256').update(tablePath).digest('hex').slice(0, 16)}`;
  }

  /** Bounds every later wait on a connection by `timeout` ms (`storeTimeout`). */
  configure(timeout: number): void {
    this.timeout = timeout;
  }

  /** `pg_notify` on a pool connection of its own. */
  async publish(event: SessionInvalidation): Promise<void> {
    const operation = 'publish a session invalidation';
    const [client, release] = await this.connection(operation);
    client.on('error', ignore);
    try {
      const notify = client.query('SELECT pg_notify($1, $2)', [this.name, JSON.stringify(event)]);
      await withDeadline(notify, this.timeout, operation);
    } catch (error) {
      release(error);
      throw error;
    }
    client.removeListener('error', ignore);
    release();
  }

  async subscribe(listener: SessionInvalidationListener): Promise<() => Promise<void>> {
    let stopped = false;
    let current: Held | undefined;
    let attempt = 0;
    let timer: NodeJS.Timeout | undefined;

    const lost = (error?: unknown) => {
      if (!current) return;
      current.client.removeAllListeners();
      current.client.on('error', ignore);
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
      const operation = 'listen for session invalidations';
      let held: Held | undefined;
      try {
        const [client, release] = await this.connection(operation);
        if (stopped) return release();
        held = current = { client, release };
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
        await withDeadline(client.query(`LISTEN "${this.name}"`), this.timeout, operation);
        await this.publish({ ids: [probe] });
        const proven = await within(heard, PROBE_TIMEOUT_MS);
        if (current !== held) return; // stopped, or lost and retrying, meanwhile
        if (!proven) {
          // once per channel, not per subscriber nor at every retry: through a transaction
          // pooler every probe fails alike
          if (!this.warnedUnverified) {
            this.logger.warn(SESSION_MESSAGES.cacheChannelUnverified(this.name));
          }
          this.warnedUnverified = true;
          lost(new Error('probe notification not received'));
          return;
        }
        attempt = 0;
        this.warnedUnverified = false;
        listener.connected(true);
      } catch (error) {
        this.logger.debug(`LISTEN failed: ${String(error)}`);
        if (!held) retry();
        else if (current === held) lost(error); // else already lost (retrying) or stopped
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
      held.client.on('error', ignore);
      try {
        const unlisten = held.client.query(`UNLISTEN "${this.name}"`);
        await withDeadline(unlisten, this.timeout, 'stop listening for session invalidations');
      } catch (error) {
        held.release(error); // destroyed: a connection that failed or hung is never reused
        throw error;
      }
      held.release();
    };
  }

  /** A connection of the DataSource's pool; one that arrives after the deadline is destroyed. */
  private connection(operation: string): Promise<[ChannelClient, Release]> {
    const driver = this.dataSource.driver as unknown as PoolDriver;
    return withDeadline(driver.obtainMasterConnection(), this.timeout, operation, ([, release]) =>
      release(new Error('connected after storeTimeout')),
    );
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
