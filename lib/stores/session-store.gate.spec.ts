import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { fakeOnly } from '../../test/support/fake-time.js';
import { SessionDataError } from '../errors/session-data.error.js';
import { SessionStoreUnavailableException } from '../errors/session-store-unavailable.exception.js';
import { SESSION_MESSAGES } from '../session.messages.js';
import { SessionStoreGate } from './session-store.gate.js';
import { SessionStoreCapabilityError } from './session.store.js';
import { StoreTimeoutError } from './store-deadline.util.js';

const TIMEOUT = 1_000;

/** A promise and the means to settle it from the test. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('SessionStoreGate', () => {
  let gate: SessionStoreGate;
  let warnings: string[];
  let infos: string[];

  beforeEach(() => {
    fakeOnly(['setTimeout', 'clearTimeout', 'Date'], { now: 0 });
    gate = new SessionStoreGate(TIMEOUT);
    warnings = [];
    infos = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((message) => {
      warnings.push(String(message));
    });
    jest.spyOn(Logger.prototype, 'log').mockImplementation((message) => {
      infos.push(String(message));
    });
  });

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  const failing = () => Promise.reject(new Error('ECONNREFUSED'));

  it('gives the store call’s result, leaving no timer behind', async () => {
    await expect(gate.run('read a session', () => Promise.resolve(42))).resolves.toBe(42);
    expect(jest.getTimerCount()).toBe(0);
    expect(warnings).toEqual([]);
  });

  it('answers 503 once storeTimeout has passed without an answer, and clears its timer', async () => {
    const never = deferred<number>();
    const outcome = gate
      .run('read a session', () => never.promise)
      .catch((error: unknown) => error);
    await jest.advanceTimersByTimeAsync(TIMEOUT - 1);
    expect(jest.getTimerCount()).toBe(1); // still waiting
    await jest.advanceTimersByTimeAsync(1);
    const error = await outcome;
    expect(error).toBeInstanceOf(SessionStoreUnavailableException);
    expect((error as Error).cause).toBeInstanceOf(StoreTimeoutError);
    expect(jest.getTimerCount()).toBe(0);
    never.reject(new Error('late')); // a late failure is ignored, never unhandled
  });

  it('turns a failure, or a synchronous throw, into 503', async () => {
    await expect(gate.run('save a session', failing)).rejects.toBeInstanceOf(
      SessionStoreUnavailableException,
    );
    const throwing = (): Promise<void> => {
      throw new Error('socket closed');
    };
    await expect(gate.run('save a session', throwing)).rejects.toBeInstanceOf(
      SessionStoreUnavailableException,
    );
  });

  it('lets a programmer’s error through unchanged, not as an outage', async () => {
    const capability = new SessionStoreCapabilityError({}, 'findByUser');
    const data = new SessionDataError('too large', 'cart');
    await expect(gate.run('list', () => Promise.reject(capability))).rejects.toBe(capability);
    await expect(gate.run('save', () => Promise.reject(data))).rejects.toBe(data);
    await gate.run('read', () => Promise.resolve(null));
    expect([...warnings, ...infos]).toEqual([]);
  });

  it('logs an outage as two lines: when it starts, and when the store answers again', async () => {
    await expect(gate.run('read a session', failing)).rejects.toThrow();
    await jest.advanceTimersByTimeAsync(12_300);
    await expect(gate.run('save a session', failing)).rejects.toThrow();
    await expect(gate.run('read a session', failing)).rejects.toThrow();
    expect(warnings).toEqual([
      SESSION_MESSAGES.storeUnreachable('read a session', 'Error: ECONNREFUSED'),
    ]);
    expect(infos).toEqual([]);

    await gate.run('read a session', () => Promise.resolve(null));
    await gate.run('read a session', () => Promise.resolve(null));
    expect(infos).toEqual([SESSION_MESSAGES.storeReachableAgain(12_300, 3)]);
    expect(infos[0]).toContain('after 12.3 s; 3 requests were answered 503');

    await expect(gate.run('read a session', failing)).rejects.toThrow(); // a new outage
    expect(warnings).toHaveLength(2);
  });

  it('does not take a late answer to a call made before the outage for the store being back', async () => {
    const slow = deferred<null>();
    const before = gate.run('read a session', () => slow.promise);
    await expect(gate.run('read a session', failing)).rejects.toThrow();
    slow.resolve(null);
    await before;
    expect(infos).toEqual([]); // that answer predates the outage: it proves nothing
    await gate.run('read a session', () => Promise.resolve(null));
    expect(infos).toEqual([SESSION_MESSAGES.storeReachableAgain(0, 1)]);
  });
});
