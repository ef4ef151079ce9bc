import type { SessionData } from '../stores/session-record.interface.js';

/**
 * The current request's session, its data typed by `T`. Get it with `@Session()`.
 *
 * Values go to the store as JSON. `get()` returns the stored value itself: change a
 * nested object through `set()`, which is what marks the key for writing.
 *
 * @publicApi
 */
export interface Session<T extends object = SessionData> {
  /** Public handle: safe to log and show, the `id` of `listForUser()`; never the cookie's token. */
  readonly id: string;
  /** `true` when the session was created in this request rather than loaded from the store. */
  readonly isNew: boolean;
  readonly userId: string | null;
  readonly createdAt: Date;
  readonly lastSeenAt: Date;
  /** `min(lastSeenAt + idleTimeout, createdAt + absoluteTimeout)`; also the cookie's expiry. */
  readonly expiresAt: Date;
  /** When `SessionService.signIn()` last bound a user, else `null`. */
  readonly authenticatedAt: Date | null;

  get<K extends keyof T & string>(key: K): T[K] | undefined;
  /** Marks `key` for writing; `undefined` deletes it. Keys starting with `$` are reserved. */
  set<K extends keyof T & string>(key: K, value: T[K] | undefined): void;
  delete<K extends keyof T & string>(key: K): void;

  /** Keeps `value` until the next `consumeFlash(key)`, e.g. across a redirect. */
  flash(key: string, value: unknown): void;
  /** The flashed value (removing it), or `undefined`. */
  consumeFlash<V = unknown>(key: string): V | undefined;
  /** This session's CSRF token, created on first use. */
  csrfToken(): string;

  /** Issues a new token and kills the old one, keeping data and sign-in (session fixation). */
  regenerate(): Promise<void>;
  /** Deletes the session now; the response clears the cookie. */
  destroy(): Promise<void>;
}
