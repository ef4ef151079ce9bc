import { randomBytes } from 'node:crypto';
import { hashToken } from '../cookie/session-token.codec.js';
import {
  CSRF_KEY,
  FLASH_KEY_PREFIX,
  REMEMBER_ME_KEY,
  RESERVED_KEY_PREFIX,
} from '../session.constants.js';
import { SESSION_MESSAGES } from '../session.messages.js';
import type { SessionData, SessionRecord } from '../stores/session-record.interface.js';
import { SessionState } from './session-state.js';
import type { SessionRuntime } from './session-state.js';
import { copySessionValue } from './session-value.checker.js';
import type { Session } from './session.interface.js';

/** A sign-in the store must admit before the handle takes it (`maxSessionsPerUser`). */
export interface PreparedSignIn {
  token: string;
  /** The whole session as signed in, stamped as seen at the sign-in. */
  record: SessionRecord;
}

/**
 * The request-scoped session: the {@link Session} the app sees, over a {@link SessionState} (the
 * stored record plus what this request changed, which `SessionCommitter` writes). It writes
 * nothing itself except deletions (regenerate, destroy), which must take effect at once.
 *
 * @internal
 */
export class SessionHandle<T extends object = SessionData>
  extends SessionState
  implements Session<T>
{
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
}
