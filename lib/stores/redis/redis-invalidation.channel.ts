import type {
  SessionInvalidation,
  SessionInvalidationListener,
} from '../session-record.interface.js';
import { withDeadline } from '../store-deadline.util.js';
import type {
  RedisSessionClient,
  RedisSubscriberClient,
} from './redis-session-client.interface.js';

/** After a lost node connection, the wait before a Cluster's subscriber picks a master again. */
const CLUSTER_RESUBSCRIBE_DELAY_MS = 200;

/**
 * Session invalidations over Redis pub/sub on `<prefix>invalidations`, for the read cache.
 * Listening opens one connection of its own; after each (re)connection the channel is
 * subscribed again before the cache is told it may trust its entries, and whenever that
 * connection is lost the cache is told at once. Subscribing and `QUIT` wait at most
 * `storeTimeout`; a connection that does not answer `QUIT` in time is dropped.
 *
 * On a standalone Redis the connection is the client's `duplicate()`, which reconnects by
 * itself. On a Cluster it is a plain connection to one master, not the `Cluster`'s own
 * subscriber: ioredis moves that one to another node and subscribes again without a sign, so
 * messages published meanwhile would be missed unseen. A cluster delivers `PUBLISH` to the
 * subscribers of every node, so one master hears everything; when its connection is lost, a
 * master is picked again (after a failover, the new one).
 */
export class RedisInvalidationChannel {
  readonly name: string;
  /** `storeTimeout`; unbounded until {@link configure}d. */
  private timeout = Infinity;

  constructor(
    private readonly client: RedisSessionClient,
    prefix: string,
  ) {
    this.name = `${prefix}invalidations`;
  }

  /** Whether the client can publish and subscribe (an ioredis `Redis` or `Cluster` can). */
  get available(): boolean {
    return typeof this.client.publish === 'function' && typeof this.client.duplicate === 'function';
  }

  async publish(event: SessionInvalidation): Promise<void> {
    await this.client.publish?.(this.name, JSON.stringify(event));
  }

  /** Bounds `SUBSCRIBE` and `QUIT` by `timeout` ms (`storeTimeout`). */
  configure(timeout: number): void {
    this.timeout = timeout;
  }

  async subscribe(listener: SessionInvalidationListener): Promise<() => Promise<void>> {
    const timeout = this.timeout;
    const cluster = typeof this.client.nodes === 'function';
    let subscriber: RedisSubscriberClient | undefined;
    let up = false;
    let stopped = false;
    let retry: NodeJS.Timeout | undefined;
    const down = () => {
      if (up) listener.connected(false);
      up = false;
    };
    const subscribed = (connection: RedisSubscriberClient) => {
      if (stopped || up || connection !== subscriber) return;
      up = true;
      listener.connected(true);
    };
    const listen = async (connection: RedisSubscriberClient) => {
      const subscribing = connection.subscribe(this.name);
      try {
        // a SUBSCRIBE answered after the deadline still counts: the connection is subscribed
        await withDeadline(subscribing, timeout, 'subscribe to invalidations', () =>
          subscribed(connection),
        );
        subscribed(connection);
      } catch {
        if (connection === subscriber) down(); // it reconnects (or is replaced) and tries again
      }
    };
    /** Cluster: a master is picked again shortly (none known yet, or the last one lost). */
    const openLater = () => {
      if (stopped || retry) return;
      retry = setTimeout(() => {
        retry = undefined;
        if (!stopped) void open();
      }, CLUSTER_RESUBSCRIBE_DELAY_MS);
      retry.unref();
    };
    const open = async (): Promise<void> => {
      const connection = cluster ? this.oneMaster() : this.client.duplicate!();
      if (!connection) return openLater();
      subscriber = connection;
      connection.on('message', (channel, message) => {
        if (channel === this.name) listener.invalidate(JSON.parse(message) as SessionInvalidation);
      });
      connection.on('ready', () => void listen(connection));
      connection.on('error', () => connection === subscriber && down());
      connection.on('close', () => {
        if (connection !== subscriber) return;
        down();
        if (!cluster) return; // the client reconnects to the same server and emits 'ready'
        connection.disconnect?.(); // this master may be gone for good: pick one again
        openLater();
      });
      await listen(connection);
    };
    await open();
    return async () => {
      stopped = true;
      up = false;
      clearTimeout(retry);
      const connection = subscriber;
      if (!connection) return;
      try {
        await withDeadline(connection.quit(), timeout, 'stop listening for invalidations');
      } catch (error) {
        connection.disconnect?.(); // no answer to QUIT: the connection is dropped, not waited on
        throw error;
      }
    };
  }

  /** A connection of its own to one of the Cluster's masters, at random; none before it knows any. */
  private oneMaster(): RedisSubscriberClient | undefined {
    const masters = this.client.nodes!('master');
    if (masters.length === 0) return undefined;
    return masters[Math.floor(Math.random() * masters.length)].duplicate();
  }
}
