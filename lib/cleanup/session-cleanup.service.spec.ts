import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { SessionCleanupOptions } from '../options/session-options.interface.js';
import { resolveSessionOptions } from '../options/session-options.resolver.js';
import { SESSION_MESSAGES } from '../session.messages.js';
import { MemorySessionStore } from '../stores/memory/memory-session.store.js';
import type { SessionRecord } from '../stores/session-record.interface.js';
import { SessionStore } from '../stores/session.store.js';
import { SessionCleanupService } from './session-cleanup.service.js';

const INTERVAL = 60_000;

/** A store whose sweep answers are scripted per call, recording each call. */
class ScriptedStore extends SessionStore {
  readonly calls: { now: Date; limit: number }[] = [];
  inFlight = 0;
  maxInFlight = 0;

  constructor(private readonly answer: (call: number, limit: number) => Promise<number>) {
    super();
  }

  override async deleteExpired(now: Date, limit: number): Promise<number> {
    this.calls.push({ now, limit });
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    try {
      return await this.answer(this.calls.length, limit);
    } finally {
      this.inFlight--;
    }
  }

  find(): Promise<SessionRecord | null> {
    return Promise.resolve(null);
  }
  create(): Promise<void> {
    return Promise.resolve();
  }
  patch(): Promise<boolean> {
    return Promise.resolve(false);
  }
  delete(): Promise<void> {
    return Promise.resolve();
  }
}

function serviceFor(store: SessionStore, cleanup: SessionCleanupOptions | false) {
  const options = resolveSessionOptions({ secret: 'x'.repeat(32), store, cleanup });
  return new SessionCleanupService(options, store);
}

function record(id: string, expiresAt: Date): SessionRecord {
  const createdAt = new Date(expiresAt.getTime() - INTERVAL);
  return {
    ...{ id, userId: null, data: {}, createdAt, lastSeenAt: createdAt, expiresAt },
    ...{ authenticatedAt: null, userAgent: null, ip: null },
  };
}

function deferred(): { promise: Promise<number>; resolve: (n: number) => void } {
  let resolve!: (n: number) => void;
  const promise = new Promise<number>((r) => (resolve = r));
  return { promise, resolve };
}

describe('SessionCleanupService', () => {
  let service: SessionCleanupService | undefined;

  beforeEach(() => {
    jest.useFakeTimers();
  });

  afterEach(() => {
    service?.onModuleDestroy();
    service = undefined;
    jest.restoreAllMocks();
    jest.useRealTimers();
  });

  it('schedules nothing with cleanup: false', async () => {
    const store = new ScriptedStore(() => Promise.resolve(0));
    service = serviceFor(store, false);
    service.onApplicationBootstrap();

    expect(jest.getTimerCount()).toBe(0);
    await jest.advanceTimersByTimeAsync(100 * INTERVAL);
    expect(store.calls).toHaveLength(0);
  });

  it.each([0, 0.5, 0.9999])(
    'runs the first sweep after the interval plus at most 10%% (random %p)',
    async (random) => {
      jest.spyOn(Math, 'random').mockReturnValue(random);
      const store = new ScriptedStore(() => Promise.resolve(0));
      service = serviceFor(store, { interval: INTERVAL });
      service.onApplicationBootstrap();

      await jest.advanceTimersByTimeAsync(INTERVAL - 1);
      expect(store.calls).toHaveLength(0);
      await jest.advanceTimersByTimeAsync(INTERVAL * 0.1 + 1);
      expect(store.calls).toHaveLength(1);
    },
  );

  it('deletes in batches until a batch comes back short, and returns the total', async () => {
    const answers = [3, 3, 1];
    const store = new ScriptedStore((call) => Promise.resolve(answers[call - 1] ?? 0));
    service = serviceFor(store, { batchSize: 3 });

    const total = service.sweep();
    await jest.runAllTimersAsync(); // the yields between batches

    await expect(total).resolves.toBe(7);
    expect(store.calls.map((c) => c.limit)).toEqual([3, 3, 3]);
  });

  it('removes every expired session from a real store and keeps the live ones', async () => {
    const store = new MemorySessionStore();
    const now = Date.now();
    for (let i = 0; i < 7; i++) await store.create(record(`old${i}`, new Date(now - 1_000)));
    await store.create(record('live1', new Date(now + INTERVAL)));
    await store.create(record('live2', new Date(now + INTERVAL)));
    service = serviceFor(store, { batchSize: 3 });

    const total = service.sweep();
    await jest.runAllTimersAsync(); // the yields between batches

    await expect(total).resolves.toBe(7);
    expect(store.size).toBe(2);
    expect(await store.find('live1', new Date(now))).not.toBeNull();
  });

  it('never overlaps sweeps, even when one is slower than the interval', async () => {
    const slow = deferred();
    const store = new ScriptedStore((call) => (call === 1 ? slow.promise : Promise.resolve(0)));
    service = serviceFor(store, { interval: INTERVAL });
    service.onApplicationBootstrap();

    await jest.advanceTimersByTimeAsync(INTERVAL * 1.1);
    expect(store.calls).toHaveLength(1);
    expect(service.sweep()).toBe(service.sweep()); // a direct call joins the running sweep
    await jest.advanceTimersByTimeAsync(INTERVAL * 10);
    expect(store.calls).toHaveLength(1);

    slow.resolve(0);
    await jest.advanceTimersByTimeAsync(INTERVAL * 1.1);
    expect(store.calls).toHaveLength(2);
    expect(store.maxInFlight).toBe(1);
  });

  it('logs a failed sweep once and tries again at the next interval', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const failure = new Error('connection refused');
    const store = new ScriptedStore((call) =>
      call === 1 ? Promise.reject(failure) : Promise.resolve(0),
    );
    service = serviceFor(store, { interval: INTERVAL });
    service.onApplicationBootstrap();

    await jest.advanceTimersByTimeAsync(INTERVAL * 1.1);
    expect(logged).toHaveBeenCalledTimes(1);
    expect(logged).toHaveBeenCalledWith(
      SESSION_MESSAGES.cleanupFailed(),
      expect.stringContaining('connection refused'),
    );

    await jest.advanceTimersByTimeAsync(INTERVAL * 1.1);
    expect(store.calls).toHaveLength(2);
    expect(logged).toHaveBeenCalledTimes(1);
  });

  it('rejects a direct sweep with the store error', async () => {
    const failure = new Error('connection refused');
    service = serviceFor(new ScriptedStore(() => Promise.reject(failure)), {});

    await expect(service.sweep()).rejects.toBe(failure);
  });

  it('stops the schedule on destroy', async () => {
    const store = new ScriptedStore(() => Promise.resolve(0));
    service = serviceFor(store, { interval: INTERVAL });
    service.onApplicationBootstrap();

    service.onModuleDestroy();
    expect(jest.getTimerCount()).toBe(0);
    await jest.advanceTimersByTimeAsync(100 * INTERVAL);
    expect(store.calls).toHaveLength(0);
  });

  it('stops a running sweep after its current batch on destroy, and schedules no next one', async () => {
    const batch = deferred();
    const store = new ScriptedStore((call) => (call === 1 ? batch.promise : Promise.resolve(10)));
    service = serviceFor(store, { interval: INTERVAL, batchSize: 10 });
    service.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(INTERVAL * 1.1);
    const running = service.sweep();

    service.onModuleDestroy();
    batch.resolve(10); // a full batch: without destroy the sweep would go on
    await jest.advanceTimersByTimeAsync(100 * INTERVAL);

    await expect(running).resolves.toBe(10);
    expect(store.calls).toHaveLength(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('never keeps the process alive (the timer is unref-ed)', () => {
    const setTimeoutSpy = jest.spyOn(globalThis, 'setTimeout');
    service = serviceFor(new ScriptedStore(() => Promise.resolve(0)), { interval: INTERVAL });
    service.onApplicationBootstrap();

    expect(setTimeoutSpy).toHaveBeenCalledTimes(1);
    const timer = setTimeoutSpy.mock.results[0]?.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
  });
});
