import { HttpException, Logger } from '@nestjs/common';
import { SessionStoreUnavailableException } from '../errors/session-store-unavailable.exception.js';
import { SESSION_MESSAGES } from '../session.messages.js';
import { SessionStoreCapabilityError } from './session.store.js';
import { startCall, withDeadline } from './store-deadline.util.js';

/** An outage in progress: since when, and how many store calls it has refused so far. */
interface Outage {
  since: number;
  refused: number;
}

/**
 * Every store call made for a request goes through here (loading, committing, deleting a
 * session, the `SessionService` methods):
 *
 * - it is bounded by `storeTimeout`: past it the request stops waiting;
 * - a store that fails or does not answer in time becomes `SessionStoreUnavailableException`
 *   (503 with `Retry-After`), while a programmer's error (`SessionStoreCapabilityError`, a
 *   `SessionDataError` or any other `HttpException`) passes through unchanged;
 * - an outage is logged as two lines: one when the store stops answering (the operation and
 *   the error), one when it answers again (how long it was out, how many requests were
 *   refused meanwhile) — never one line per refused request.
 *
 * One per `SessionModule` (made with `storeTimeout` by its providers), injected like any service.
 */
export class SessionStoreGate {
  protected readonly logger = new Logger('SessionStore');
  private outage: Outage | undefined;

  /** @param timeout `storeTimeout`, in milliseconds. */
  constructor(private readonly timeout: number) {}

  /**
   * Runs `call` for a request. `operation` says what it does, for the log, e.g.
   * `'read a session'`.
   */
  async run<T>(operation: string, call: () => Promise<T>): Promise<T> {
    const startedDuring = this.outage;
    let result: T;
    try {
      result = await withDeadline(startCall(call), this.timeout, operation);
    } catch (error) {
      if (!this.isOutage(error)) throw error;
      this.refused(operation, error);
      throw new SessionStoreUnavailableException(error);
    }
    // only a call made since the outage began proves the store answers again
    if (startedDuring !== undefined && startedDuring === this.outage) this.recovered(startedDuring);
    return result;
  }

  /** A fault of the store (or of the way to it), as opposed to a programmer's error. */
  protected isOutage(error: unknown): boolean {
    return !(error instanceof SessionStoreCapabilityError || error instanceof HttpException);
  }

  private refused(operation: string, error: unknown): void {
    if (this.outage) {
      this.outage.refused++;
      return;
    }
    this.outage = { since: Date.now(), refused: 1 };
    this.logger.warn(SESSION_MESSAGES.storeUnreachable(operation, errorText(error)));
  }

  private recovered(outage: Outage): void {
    this.outage = undefined;
    this.logger.log(
      SESSION_MESSAGES.storeReachableAgain(Date.now() - outage.since, outage.refused),
    );
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
