import type {
  SessionInvalidation,
  SessionInvalidationListener,
} from '../session-record.interface.js';
import { withDeadline } from '../store-deadline.util.js';
import type {
  RedisSessionClient,
  RedisSubscriberClient,
} from './redis-session-client.interface.js';

/**
 * Session invalidations over Redis pub/sub on `<prefix>invalidations`, for the read cache.
 * Listening opens one duplicate connection; after each (re)connection the channel is
 * subscribed again before the cache is told it may trust its entries. Subscribing and `QUIT`
 * wait at most `storeTimeout`; a connection that does not answer `QUIT` in
 * time is dropped.
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
    const subscriber: RedisSubscriberClient = this.client.duplicate!();
    let up = false;
    let stopped = false;
    const down = () => {
      if (up) listener.connected(false);
      up = false;
    };
    const subscribed = () => {
      if (stopped || up) return;
      up = true;
      listener.connected(true);
    };
    const listen = async () => {
      const subscribing = subscriber.subscribe(this.name);
      try {
        // a SUBSCRIBE answered after the deadline still counts: the connection is subscribed
        await withDeadline(subscribing, timeout, 'subscribe to invalidations', subscribed);
        subscribed();
      } catch {
        down(); // the client reconnects and emits 'ready' again
      }
    };
    subscriber.on('message', (channel, message) => {
      if (channel === this.name) listener.invalidate(JSON.parse(message) as SessionInvalidation);
    });
    subscriber.on('ready', () => void listen());
    subscriber.on('close', down);
    subscriber.on('error', down);
    await listen();
    return async () => {
      stopped = true;
      up = false;
      try {
        await withDeadline(subscriber.quit(), timeout, 'stop listening for invalidations');
      } catch (error) {
        subscriber.disconnect?.(); // no answer to QUIT: the connection is dropped, not waited on
        throw error;
      }
    };
  }
}
