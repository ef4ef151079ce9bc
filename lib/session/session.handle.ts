import { randomBytes } from 'node:crypto';
import { hashToken } from '../cookie/session-token.codec.js';
import {
  CSRF_KEY,
  FLASH_KEY_PREFIX,
  REMEMBER_ME_KEY,
  RESERVED_KEY_PREFIX,
} from '../session.constants.js';
import { SESSION_MESSAGES } from '../session.messages.js';
import type {
  SessionData,
  SessionPatch,
  SessionRecord,
} from '../stores/session-record.interface.js';
import { CopyOnWriteData } from './session-data.copy.js';
import type { ExpiryInputs } from './session-expiry.policy.js';
import { userDataOf } from './session-data.validator.js';
import { copySessionValue } from './session-value.checker.js';
import type { Session } from './session.interface.js';

/** What a handle needs from the module to act on the store by itself. */
export interface SessionRuntime {
  newToken(): string;
  deleteStored(id: string): Promise<void>;
  expiryOf(session: ExpiryInputs): Date;
}

/** A sign-in the store must admit before the handle takes it (`maxSessionsPerUser`). */
export interface PreparedSignIn {
  token: string;
  /** The whole session as signed in, stamped as seen at the sign-in. */
  record: SessionRecord;
}

type Status = 'unmodified' | 'modified' | 'destroyed';

/**
 * The request-scoped session: one stored record plus what this request changed. It writes
 * nothing itself except deletions (regenerate, destroy), which must take effect at once;
 * `SessionCommitter` writes the rest.
 *
 * Copy-on-write: the record it is loaded from may be the read cache's own, shared by
 * concurrent requests, so the handle never changes it or anything in it; its data is a
 * {@link CopyOnWriteData} over the record's.
 *
 * @internal
 */
export class SessionHandle<T extends object = SessionData> implements Session<T> {
  private status: Status = 'unmodified';
  private readonly changedKeys = new Set<string>();
  private userChanged = false;
  /** The data as this request sees it (`record.data` is the loaded record's, never changed). */
  private readonly values: CopyOnWriteData;
  /** Set for a session whose exchange cannot set a cookie (a socket): see {@link keepToken}. */
  private tokenKept = false;
  /** The token changed after the last write (an admitted sign-in): the cookie must carry it. */
  private tokenUnsent = false;
  /** Run once, at the next write that stores this session (see {@link whenStored}). */
  private storedCallback: (() => void) | undefined;

  private constructor(
    private readonly runtime: SessionRuntime,
    private currentToken: string,
    private record: SessionRecord,
    readonly isNew: boolean,
    /** A row exists in the store under `id`. */
    private stored: boolean,
  ) {
    this.values = new CopyOnWriteData(record.data, isNew); // a fresh handle made its record itself
  }

  static fresh(
    runtime: SessionRuntime,
    origin: Pick<SessionRecord, 'userAgent' | 'ip'>,
  ): SessionHandle {
    const token = runtime.newToken();
    const now = new Date();
    const record: SessionRecord = {
      id: hashToken(token),
      userId: null,
      data: {},
      createdAt: now,
      lastSeenAt: now,
      expiresAt: runtime.expiryOf({ createdAt: now, lastSeenAt: now, data: {} }),
      authenticatedAt: null,
      ...origin,
    };
    return new SessionHandle(runtime, token, record, true, false);
  }

  /** A handle on `record`, which it never changes (nor anything in it): see the class. */
  static loaded(runtime: SessionRuntime, token: string, record: SessionRecord): SessionHandle {
    const expiresAt = runtime.expiryOf(record);
    return new SessionHandle(runtime, token, { ...record, expiresAt }, false, true);
  }

  get id(): string {
    return this.record.id;
  }
  get token(): string {
    return this.currentToken;
  }
  get userId(): string | null {
    return this.record.userId;
  }
  get createdAt(): Date {
    return this.record.createdAt;
  }
  get lastSeenAt(): Date {
    return this.record.lastSeenAt;
  }
  get expiresAt(): Date {
    return this.record.expiresAt;
  }
  get authenticatedAt(): Date | null {
    return this.record.authenticatedAt;
  }

  get<K extends keyof T & string>(key: K): T[K] | undefined {
    return this.values.read(key) as T[K] | undefined;
  }

  set<K extends keyof T & string>(key: K, value: T[K] | undefined): void {
    if (key.startsWith(RESERVED_KEY_PREFIX)) throw new Error(SESSION_MESSAGES.reservedKey(key));
    const copy = value === undefined ? undefined : copySessionValue({ call: 'set', key }, value);
    this.write(key, copy);
  }

  delete<K extends keyof T & string>(key: K): void {
    this.set(key, undefined);
  }

  flash(key: string, value: unknown): void {
    const copy = value === undefined ? undefined : copySessionValue({ call: 'flash', key }, value);
    this.write(FLASH_KEY_PREFIX + key, copy);
  }

  consumeFlash<V = unknown>(key: string): V | undefined {
    const value = this.values.read(FLASH_KEY_PREFIX + key) as V | undefined;
    if (value !== undefined) this.write(FLASH_KEY_PREFIX + key, undefined);
    return value;
  }

  csrfToken(): string {
    const existing = this.values.current[CSRF_KEY];
    if (typeof existing === 'string') return existing;
    const token = randomBytes(32).toString('base64url');
    this.write(CSRF_KEY, token);
    return token;
  }

  async regenerate(): Promise<void> {
    this.assertAlive();
    this.assertTokenCanChange();
    if (this.stored) await this.runtime.deleteStored(this.id);
    this.stored = false;
    this.currentToken = this.runtime.newToken();
    this.record = { ...this.record, id: hashToken(this.currentToken) };
  }

  async destroy(): Promise<void> {
    if (this.status === 'destroyed') return;
    this.assertTokenCanChange();
    if (this.stored) await this.runtime.deleteStored(this.id);
    this.stored = false;
    this.status = 'destroyed';
    this.storedCallback = undefined;
  }

  /**
   * Binds `userId`, stamps `authenticatedAt` and drops the CSRF token (a new one is made on
   * next use, so a token known before sign-in is useless after it). `SessionService.signIn()`
   * regenerates first.
   */
  bindUser(userId: string, at: Date, rememberMe: boolean): void {
    this.assertAlive();
    this.assertTokenCanChange();
    this.record = { ...this.record, userId, authenticatedAt: at };
    this.userChanged = true;
    this.status = 'modified';
    this.write(CSRF_KEY, undefined);
    this.write(REMEMBER_ME_KEY, rememberMe ? true : undefined);
    this.record = { ...this.record, expiresAt: this.runtime.expiryOf(this.expiryInputs()) };
  }

  /** Stamps `authenticatedAt` (after `regenerate`): `SessionService.reauthenticate()`. */
  reauthenticated(at: Date): void {
    this.assertAlive();
    if (this.record.userId === null) throw new Error(SESSION_MESSAGES.reauthenticateAnonymous());
    this.record = { ...this.record, authenticatedAt: at };
    this.userChanged = true;
    this.status = 'modified';
  }

  /**
   * The record this session becomes once signed in as `userId` under a new token, stamped as
   * seen `now`, for a store that must admit it first (`maxSessionsPerUser`). Changes nothing:
   * {@link adoptSignIn} takes it once the store holds it.
   */
  prepareSignIn(userId: string, rememberMe: boolean, now: Date): PreparedSignIn {
    this.assertAlive();
    this.assertTokenCanChange();
    const token = this.runtime.newToken();
    const data: SessionData = { ...this.values.current };
    delete data[CSRF_KEY];
    if (rememberMe) data[REMEMBER_ME_KEY] = true;
    else delete data[REMEMBER_ME_KEY];
    const signedIn = { ...this.record, id: hashToken(token), userId, data };
    const record = { ...signedIn, authenticatedAt: now, lastSeenAt: now };
    return { token, record: { ...record, expiresAt: this.runtime.expiryOf(record) } };
  }

  /**
   * Becomes `prepared`, which the store holds now in place of this session (the store deleted
   * the one it replaced: `createWithinLimit`'s `replaces`).
   */
  adoptSignIn(prepared: PreparedSignIn): void {
    this.values.delete(CSRF_KEY);
    if (prepared.record.data[REMEMBER_ME_KEY] === true) this.values.set(REMEMBER_ME_KEY, true);
    else this.values.delete(REMEMBER_ME_KEY);
    this.currentToken = prepared.token;
    this.record = prepared.record;
    this.stored = true;
    this.changedKeys.clear();
    this.userChanged = false;
    this.status = 'unmodified';
    this.tokenUnsent = true;
  }

  /**
   * For an exchange that cannot set a cookie (a socket message): the client keeps the cookie
   * it has, so `regenerate`, `destroy` and `bindUser` would strand it; they throw instead.
   */
  keepToken(): void {
    this.tokenKept = true;
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

  /** Records a successful write: the handle now mirrors the store. */
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

  private stamp(now: Date): SessionRecord {
    const expiresAt = this.runtime.expiryOf({ ...this.expiryInputs(), lastSeenAt: now });
    return { ...this.record, lastSeenAt: now, expiresAt };
  }

  private expiryInputs(): ExpiryInputs {
    const { createdAt, lastSeenAt } = this.record;
    return { createdAt, lastSeenAt, data: this.values.current };
  }

  /** `value` must be this handle's own (a copy made here), or a primitive. */
  private write(key: string, value: unknown): void {
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

  private assertTokenCanChange(): void {
    if (this.tokenKept) throw new Error(SESSION_MESSAGES.socketCannotSetCookie());
  }

  private assertAlive(): void {
    if (this.status === 'destroyed') throw new Error(SESSION_MESSAGES.sessionDestroyed());
  }
}
