import type { SessionData } from '../stores/session-record.interface.js';

/**
 * The current request's session, its data typed by `T`. Get it with `@Session()`.
 *
 * Values go to the store as JSON, so a session keeps only what JSON carries faithfully (see
 * {@link Session.set}). `get()` returns the session's own copy: change a nested object through
 * `set()`, which is what marks the key for writing.
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
  /**
   * Keeps a plain copy of `value` under `key` and marks the key for writing; `undefined`
   * deletes it (as `delete(key)`). Keys starting with `$` are reserved.
   *
   * Accepted: what JSON carries faithfully — strings (without NUL or lone surrogates), finite
   * numbers, booleans, `null`, arrays of those, and objects nested up to 100 levels: plain
   * ones, or class instances such as DTOs, copied as plain objects of their own enumerable
   * properties (an `undefined` property left out, as JSON does; non-enumerable, inherited and
   * symbol-keyed properties are not data and are left out too).
   *
   * Refused with `SessionDataError` (500 if unhandled), which names the key, the path inside
   * the value (e.g. `profile.tags[2]`) and the fix, and changes nothing in the session:
   * functions, symbols, BigInt, NaN/±Infinity, Date (store `toISOString()`), Map, Set,
   * RegExp, Error, boxed primitives, Buffers, typed arrays, ArrayBuffer and DataView, other
   * built-ins (WeakMap, WeakSet, Promise, …), objects with a `toJSON()` method, `undefined`
   * or a hole inside an array, circular structures (a shared, non-circular reference is
   * fine), strings with NUL or a lone surrogate (as values, as property names, or as `key`),
   * and deeper nesting.
   *
   * The copy is made here, in the one walk that checks the value: `get(key)` in this request
   * returns that copy — a plain object for a DTO, exactly what later requests read back from
   * any store — and changing `value` after `set()` changes nothing in the session (`set()` it
   * again). `maxDataSize` is checked when the session is written, after the handler.
   */
  set<K extends keyof T & string>(key: K, value: T[K] | undefined): void;
  delete<K extends keyof T & string>(key: K): void;

  /**
   * Keeps a copy of `value` until the next `consumeFlash(key)`, e.g. across a redirect. Same
   * values as {@link Session.set} (refused ones throw `SessionDataError`): check user input
   * before flashing it.
   */
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
