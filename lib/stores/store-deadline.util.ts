import { SESSION_MESSAGES } from '../session.messages.js';

/**
 * A store call (or a wait on a store's connection) that did not settle within `storeTimeout`.
 *
 * @internal
 */
export class StoreTimeoutError extends Error {
  constructor(operation: string, timeout: number) {
    super(SESSION_MESSAGES.storeTimedOut(operation, timeout));
    this.name = 'StoreTimeoutError';
  }
}

/**
 * Settles as `work` does, or rejects with {@link StoreTimeoutError} once `timeout` ms have
 * passed; a timeout that is not a finite number waits as long as `work` takes. The timer is
 * unref'd and always cleared. What `work` does after the deadline is never lost: a late value
 * goes to `onLate` (e.g. to release a connection that arrived too late to be used), a late
 * rejection is ignored (never an unhandled rejection).
 *
 * @internal
 */
export function withDeadline<T>(
  work: Promise<T>,
  timeout: number,
  operation: string,
  onLate?: (value: T) => void,
): Promise<T> {
  if (!Number.isFinite(timeout)) return work;
  let late = false;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      late = true;
      reject(new StoreTimeoutError(operation, timeout));
    }, timeout);
    timer.unref();
  });
  const settled = work
    .then((value) => {
      if (late) onLate?.(value);
      return value;
    })
    .finally(() => clearTimeout(timer));
  return Promise.race([settled, deadline]); // the race handles a late rejection of `settled`
}

/** Starts `call` now, turning a synchronous throw into a rejection. @internal */
export async function startCall<T>(call: () => Promise<T>): Promise<T> {
  return call();
}
