import type {
  SessionInvalidation,
  SessionInvalidationListener,
} from '../session-record.interface.js';
import type { RedisSessionClient } from './redis-session-client.interface.js';

/**
 * Session invalidations over Redis pub/sub on `<prefix>invalidations`, for the read cache.
 * Listening opens one duplicate connection; after each (re)connection the channel is
 * subscribed again before the cache is told it may trust its entries.
 */
export class RedisInvalidationChannel {
  readonly name: string;

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

  async subscribe(listener: SessionInvalidationListener): Promise<() => Promise<void>> {
    const subscriber = this.client.duplicate!();
    let up = false;
    const down = () => {
      if (up) listener.connected(false);
      up = false;
    };
    const listen = async () => {
      try {
        await subscriber.subscribe(this.name);
        up = true;
        listener.connected(true);
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
      up = false;
      await subscriber.quit();
    };
  }
}
