import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { fakeOnly } from '../../test/support/fake-time.js';
import { sessionRecord } from '../../test/stores/session-record.factory.js';
import { SESSION_MESSAGES } from '../session.messages.js';
import { MemorySessionStore } from '../stores/memory/memory-session.store.js';
import type { SessionInvalidationListener } from '../stores/session-record.interface.js';
import type { SessionStoreSettings } from '../stores/session.store.js';
import { CachedSessionStore } from './cached-session.store.js';

const TIMEOUT = 500;

/**
 * A memory store whose invalidation channel starts and stops only when the test says so, as
 * a channel on a database that does not answer would.
 */
class SlowChannelStore extends MemorySessionStore {
  listener: SessionInvalidationListener | undefined;
  finds = 0;
  startChannel!: () => void;
  stopChannel!: () => void;
  stopped = false;
  /** What `initialize()` was told, and whether the channel had been asked for by then. */
  initialized: { settings: SessionStoreSettings; subscribed: boolean } | undefined;

  override initialize(settings: SessionStoreSettings) {
    this.initialized = { settings, subscribed: this.listener !== undefined };
    return Promise.resolve();
  }

  override find(id: string, now: Date) {
    this.finds++;
    return super.find(id, now);
  }

  override subscribeInvalidations(listener: SessionInvalidationListener) {
    this.listener = listener;
    return new Promise<() => Promise<void>>((resolve) => {
      this.startChannel = () => {
        listener.connected(true);
        resolve(() => {
          this.stopped = true;
          return new Promise<void>((done) => (this.stopChannel = done));
        });
      };
    });
  }
}

describe('CachedSessionStore: its channel bounded by storeTimeout', () => {
  let inner: SlowChannelStore;
  let cache: CachedSessionStore;
  let warnings: string[];

  beforeEach(() => {
    fakeOnly(['setTimeout', 'clearTimeout']);
    inner = new SlowChannelStore();
    cache = new CachedSessionStore(inner, 60_000, 100);
    warnings = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((message) => {
      warnings.push(String(message));
    });
  });

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  async function started(): Promise<void> {
    const initializing = cache.initialize({ timeout: TIMEOUT });
    await jest.advanceTimersByTimeAsync(TIMEOUT);
    await initializing;
  }

  it('initializes the inner store with storeTimeout before subscribing to its channel', async () => {
    void cache.initialize({ timeout: TIMEOUT });
    await jest.advanceTimersByTimeAsync(0);
    expect(inner.initialized).toEqual({ settings: { timeout: TIMEOUT }, subscribed: false });
    expect(inner.listener).toBeDefined();
    await jest.advanceTimersByTimeAsync(TIMEOUT);
  });

  it('starts bypassed when the channel does not start in time, and caches once it does', async () => {
    const record = sessionRecord();
    await inner.create(record);
    await started();
    expect(warnings).toEqual([SESSION_MESSAGES.cacheChannelSlow(TIMEOUT)]);
    expect(jest.getTimerCount()).toBe(0);

    await cache.find(record.id, new Date());
    await cache.find(record.id, new Date());
    expect(inner.finds).toBe(2); // bypassed: no channel, no trust

    inner.startChannel();
    await cache.find(record.id, new Date());
    await cache.find(record.id, new Date());
    expect(inner.finds).toBe(3); // read once, then served from memory

    const destroying = cache.onModuleDestroy(); // the channel that arrived late is stopped
    expect(inner.stopped).toBe(true);
    inner.stopChannel();
    await destroying;
    expect(warnings).toHaveLength(1);
  });

  it('lets shutdown go on when the channel does not stop in time', async () => {
    const initializing = cache.initialize({ timeout: TIMEOUT });
    await jest.advanceTimersByTimeAsync(0);
    inner.startChannel();
    await initializing;
    expect(warnings).toEqual([]);
    const destroying = cache.onModuleDestroy();
    await jest.advanceTimersByTimeAsync(TIMEOUT);
    await destroying;
    expect(inner.stopped).toBe(true);
    expect(warnings).toEqual([expect.stringContaining('did not stop listening')]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('stops a channel that starts only after shutdown began', async () => {
    await started();
    await cache.onModuleDestroy();
    inner.startChannel();
    await Promise.resolve();
    expect(inner.stopped).toBe(true);
    inner.stopChannel();
  });
});
