import { SESSION_MESSAGES } from '../session.messages.js';
import type {
  SessionData,
  SessionPatch,
  SessionRecord,
} from '../stores/session-record.interface.js';
import { CopyOnWriteData } from './session-data.copy.js';
import { userDataOf } from './session-data.validator.js';
import type { ExpiryInputs } from './session-expiry.policy.js';

/** What a handle needs from the module to act on the store by itself. */
export interface SessionRuntime {
  newToken(): string;
  deleteStored(id: string): Promise<void>;
  expiryOf(session: ExpiryInputs): Date;
}

type Status = 'unmodified' | 'modified' | 'destroyed';

/**
 * One stored record plus what this request changed since it was last written: the state under
 * {@link SessionHandle}, and all that `SessionCommitter` asks of it (what to write, and that it
 * was written).
 *
 * Copy-on-write: the record it is loaded from may be the read cache's own, shared by
 * concurrent requests, so the state never changes it or anything in it; its data is a
 * {@link CopyOnWriteData} over the record's.
 *
 * @internal
 */
export abstract class SessionState {
  protected status: Status = 'unmodified';
  protected readonly changedKeys = new Set<string>();
  protected userChanged = false;
  /** The data as this request sees it (`record.data` is the loaded record's, never changed). */
  protected readonly values: CopyOnWriteData;
  /** Set for a session whose exchange cannot set a cookie (a socket): see `keepToken`. */
  protected tokenKept = false;
  /** The token changed after the last write (an admitted sign-in): the cookie must carry it. */
  protected tokenUnsent = false;
  /** Run once, at the next write that stores this session (see {@link whenStored}). */
  protected storedCallback: (() => void) | undefined;

  protected constructor(
    protected readonly runtime: SessionRuntime,
    protected currentToken: string,
    protected record: SessionRecord,
    readonly isNew: boolean,
    /** A row exists in the store under `id`. */
    protected stored: boolean,
  ) {
    this.values = new CopyOnWriteData(record.data, isNew); // a fresh handle made its record itself
  }

  get id(): string {
    return this.record.id;
  }
  get token(): string {
    return this.currentToken;
  }

  // ---- what the committer asks -------------------------------------------------

  get isDestroyed(): boolean {
    return this.status === 'destroyed';
  }
  get isModified(): boolean {
    return this.status === 'modified';
  }
  get isStored(): boolean {
    return this.stored;
  }
  /** The store holds this session as it is, but the client does not have its token yet. */
  get isTokenUnsent(): boolean {
    return this.tokenUnsent;
  }
  /** Whether there is anything worth storing for an anonymous session. */
  get hasContent(): boolean {
    return this.record.userId !== null || Object.keys(this.values.current).length > 0;
  }
  /** Whether this request set (not only deleted) a data key not yet written. */
  get hasSetKeys(): boolean {
    for (const key of this.changedKeys) if (this.values.current[key] !== undefined) return true;
    return false;
  }
  /**
   * All data, reserved keys included, as the next write stores it. Read-only, for the
   * committer: its values may be the loaded record's own.
   */
  get data(): Readonly<SessionData> {
    return this.values.current;
  }
  /**
   * Data without the library's reserved keys, as `dataClass` sees it: a new object, but its
   * values may be the loaded record's own, so only read them.
   */
  get userData(): SessionData {
    return userDataOf(this.values.current);
  }

  /** The whole record to create, stamped as seen `now`. */
  toRecord(now: Date): SessionRecord {
    return { ...this.stamp(now), data: { ...this.values.current } };
  }

  /** Only what this request changed, stamped as seen `now`. A touch when nothing changed. */
  toPatch(now: Date): SessionPatch {
    const { lastSeenAt, expiresAt } = this.stamp(now);
    const patch: SessionPatch = { lastSeenAt, expiresAt };
    if (this.changedKeys.size > 0) {
      const keys = [...this.changedKeys];
      const data = this.values.current;
      patch.set = Object.fromEntries(
        keys.filter((k) => data[k] !== undefined).map((k) => [k, data[k]]),
      );
      patch.unset = keys.filter((k) => data[k] === undefined);
    }
    if (this.userChanged) {
      patch.userId = this.record.userId;
      patch.authenticatedAt = this.record.authenticatedAt;
    }
    return patch;
  }

  /**
   * Runs `callback` once the store holds this session as it is now: at the commit's write, or
   * never (a failed write, a session destroyed first). `SessionService.signIn()`'s event.
   */
  whenStored(callback: () => void): void {
    this.storedCallback = callback; // a later sign-in in the same request replaces an earlier one
  }

  /** Records a successful write: the state now mirrors the store. */
  markStored(now: Date): void {
    this.record = this.stamp(now);
    this.stored = true;
    this.changedKeys.clear();
    this.userChanged = false;
    this.status = 'unmodified';
    this.tokenUnsent = false;
    const callback = this.storedCallback;
    this.storedCallback = undefined;
    callback?.();
  }

  // ---- for the handle ------------------------------------------------------------

  protected stamp(now: Date): SessionRecord {
    const expiresAt = this.runtime.expiryOf({ ...this.expiryInputs(), lastSeenAt: now });
    return { ...this.record, lastSeenAt: now, expiresAt };
  }

  protected expiryInputs(): ExpiryInputs {
    const { createdAt, lastSeenAt } = this.record;
    return { createdAt, lastSeenAt, data: this.values.current };
  }

  /** `value` must be this state's own (a copy made for it), or a primitive. */
  protected write(key: string, value: unknown): void {
    this.assertAlive();
    if (value === undefined) {
      if (!(key in this.values.current)) return;
      this.values.delete(key);
    } else {
      this.values.set(key, value);
    }
    this.changedKeys.add(key);
    this.status = 'modified';
  }

  protected assertTokenCanChange(): void {
    if (this.tokenKept) throw new Error(SESSION_MESSAGES.socketCannotSetCookie());
  }

  protected assertAlive(): void {
    if (this.status === 'destroyed') throw new Error(SESSION_MESSAGES.sessionDestroyed());
  }
}
