import { SESSION_MESSAGES } from '../session.messages.js';
import type {
  DeletedSession,
  SessionInvalidation,
  SessionInvalidationListener,
  SessionLimit,
  SessionLimitOutcome,
  SessionPatch,
  SessionRecord,
} from './session-record.interface.js';

/**
 * Thrown by a store for an optional capability it does not have (e.g. listing the
 * sessions of a user in a stateless cookie store). Not a system fault.
 *
 * @publicApi
 */
export class SessionStoreCapabilityError extends Error {
  /** @param message in place of the default "`store.method` is not supported" one */
  constructor(store: object, method: string, message?: string) {
    super(message ?? SESSION_MESSAGES.storeCapabilityMissing(store, method));
    this.name = 'SessionStoreCapabilityError';
  }
}

/** An id no session has (not a SHA-256 in base64url: it has a dot). */
const PING_ID = 'nestjs-sessions.ping';

/**
 * What `SessionModule` tells its store at startup ({@link SessionStore.initialize}).
 *
 * @publicApi
 */
export interface SessionStoreSettings {
  /**
   * `storeTimeout`, in milliseconds: a request stops waiting for a store call after this
   * long. A store should then give up the call itself and not reuse the connection it hung on.
   */
  timeout: number;
}

/**
 * Where sessions live. Abstract class, so it is both the type and the DI token:
 * inject `SessionStore` without `@Inject()`.
 *
 * Every `id` a store sees is the SHA-256 hash of a cookie token, never the token.
 * The contract, method by method (in the manner of alexedwards/scs):
 *
 * - Required: {@link find}, {@link create}, {@link patch}, {@link delete}.
 * - Optional: {@link initialize} (the base does nothing), {@link findByUser}, {@link deleteByUser} (the base implementation throws
 *   "not supported by this store"), {@link deleteExpired} (the base returns 0, right for
 *   stores whose backend drops expired entries by itself), and the invalidation channel
 *   the read cache needs: {@link publishInvalidation} and {@link subscribeInvalidations}
 *   (the base throws "not supported by this store"), {@link createWithinLimit} for
 *   `maxSessionsPerUser` (the base throws), and {@link ping} for the health check (the base
 *   reads an id that never exists).
 *
 * Errors: a store throws only for system faults (connection lost, timeout). A missing,
 * expired or already deleted session is never an error.
 *
 * @publicApi
 */
export abstract class SessionStore {
  /**
   * Optional: called once by `SessionModule` at startup, before any request is served. A
   * store checks here that it can work (its table and columns exist, its entity is
   * registered) and throws an error naming the fix when it cannot, so a misconfiguration
   * stops boot instead of answering 503 at the first request. The base does nothing.
   */
  initialize(settings: SessionStoreSettings): Promise<void> {
    void settings;
    return Promise.resolve();
  }

  /**
   * The live session with this id, or `null` when there is none or when its
   * `expiresAt` is not after `now`. Never returns an expired session, whether or
   * not the sweep has removed it.
   */
  abstract find(id: string, now: Date): Promise<SessionRecord | null>;

  /**
   * The live session with this id when this store holds it in process and can answer without
   * any I/O (the read cache does), else `undefined`: then `find` is called. Stores that keep
   * nothing in process need not implement it.
   */
  peek(id: string, now: Date): SessionRecord | undefined {
    void id;
    void now;
    return undefined;
  }

  /**
   * Stores a new session. The id is fresh (32 random bytes behind it), so a
   * collision is a system fault and may throw.
   */
  abstract create(record: SessionRecord): Promise<void>;

  /**
   * Applies `patch` atomically to the live session `id`: each key in `set` is
   * written, each key in `unset` removed, every other data key is left as stored
   * (so concurrent patches of different keys all survive); timestamps and, when
   * present, `userId` / `authenticatedAt` are overwritten. A patch with no data
   * keys (a touch) must not rewrite the data.
   *
   * @returns `false`, changing nothing, when the session is missing or expired:
   * a deleted session is never resurrected by a late patch.
   */
  abstract patch(id: string, patch: SessionPatch): Promise<boolean>;

  /** Deletes the session. Deleting an unknown id is a no-op, not an error. */
  abstract delete(id: string): Promise<void>;

  /** Optional: the live sessions bound to `userId`, oldest first; `[]` when none. */
  findByUser(userId: string, now: Date): Promise<SessionRecord[]> {
    void userId;
    void now;
    return Promise.reject(new SessionStoreCapabilityError(this, 'findByUser'));
  }

  /**
   * Optional: deletes every live session bound to `userId` except `exceptId`, so that the
   * next request on any instance sharing this store finds none of them. Expired ones may be
   * left to the sweep.
   *
   * @param report when given, called (before the promise settles) with the ids of the live
   * sessions deleted: the library's `session.revoked` events.
   * @returns how many live sessions were deleted.
   */
  deleteByUser(
    userId: string,
    exceptId?: string,
    report?: (ids: string[]) => void,
  ): Promise<number> {
    void userId;
    void exceptId;
    void report;
    return Promise.reject(new SessionStoreCapabilityError(this, 'deleteByUser'));
  }

  /**
   * Optional: deletes at most `limit` sessions whose `expiresAt` is not after `now`,
   * in one short statement (no long lock). Instances sharing a store may call it at
   * once; each expired session is deleted by exactly one of them.
   *
   * @param report when given, called (before the promise settles) with the sessions deleted:
   * the library's `session.expired` events. A store whose backend drops expired sessions by
   * itself (Redis) has none to report.
   * @returns how many were deleted; fewer than `limit` means none are left.
   */
  deleteExpired(
    now: Date,
    limit: number,
    report?: (sessions: DeletedSession[]) => void,
  ): Promise<number> {
    void now;
    void limit;
    void report;
    return Promise.resolve(0);
  }

  /**
   * Optional (`maxSessionsPerUser`): stores `record`, which is bound to a user, unless that
   * user would then hold more than `limit.max` live sessions at `now`: with `'revoke-oldest'`
   * the user's oldest live sessions (by `createdAt`) are deleted to make room, with `'refuse'`
   * nothing is written. Atomic for every instance sharing the store: however many sign-ins
   * of one user run at once, no more than `max` of that user's sessions survive them.
   *
   * @param replaces the id of the session `record` replaces (the one signing in, under its old
   * token): not counted, and deleted with the write — unless refused, when it stays as it was.
   */
  createWithinLimit(
    record: SessionRecord,
    limit: SessionLimit,
    now: Date,
    replaces?: string,
  ): Promise<SessionLimitOutcome> {
    void record;
    void limit;
    void now;
    void replaces;
    return Promise.reject(new SessionStoreCapabilityError(this, 'createWithinLimit'));
  }

  /**
   * Optional: one round trip to the backend, for the health check; rejects when it cannot be
   * reached. The base reads an id that never exists.
   */
  async ping(): Promise<void> {
    await this.find(PING_ID, new Date());
  }

  /**
   * Whether this store has `method` of its own rather than the base's "not supported": the
   * options that need one (`maxSessionsPerUser`) are checked against it at startup.
   */
  supports(method: 'createWithinLimit' | 'findByUser' | 'deleteByUser'): boolean {
    return this[method] !== SessionStore.prototype[method];
  }

  /**
   * Optional: tells every instance sharing this store (this one included) that sessions
   * ended, so their read caches drop them. Delivery is best-effort and fast (milliseconds);
   * a subscriber that may have missed messages is told so through `connected(false)`.
   */
  publishInvalidation(event: SessionInvalidation): Promise<void> {
    void event;
    return Promise.reject(new SessionStoreCapabilityError(this, 'publishInvalidation'));
  }

  /**
   * Optional: delivers every {@link publishInvalidation} of any instance to `listener`.
   * Calls `listener.connected(true)` once listening and `connected(false)` whenever
   * messages may be missed (connection lost), then keeps reconnecting by itself.
   *
   * @returns a function that stops listening.
   */
  subscribeInvalidations(listener: SessionInvalidationListener): Promise<() => Promise<void>> {
    void listener;
    return Promise.reject(new SessionStoreCapabilityError(this, 'subscribeInvalidations'));
  }
}
