import { jest } from '@jest/globals';
import type { Config } from '@jest/types';

type FakeableApi = Config.FakeableAPI[];

/** Every API Jest's modern fake timers can fake. */
const ALL: FakeableApi = [
  'Date',
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'requestAnimationFrame',
  'cancelAnimationFrame',
  'requestIdleCallback',
  'cancelIdleCallback',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
];

/**
 * Fakes only the given APIs, leaving the rest real (sockets, drivers and Nest keep working).
 * E.g. `fakeOnly(['Date'], { now })` moves the clock without touching any timer.
 */
export function fakeOnly(apis: FakeableApi, options: { now?: number } = {}): void {
  jest.useFakeTimers({ ...options, doNotFake: ALL.filter((api) => !apis.includes(api)) });
}
