import type { SessionLimit } from '../stores/session-record.interface.js';
import type { SessionStore } from '../stores/session.store.js';

/** Milliseconds, or a string such as `'90s'`, `'30m'`, `'2h'`, `'7d'`. @publicApi */
export type Duration = number | `${number}${'ms' | 's' | 'm' | 'h' | 'd'}`;

/** @publicApi */
export interface SessionCookieOptions {
  /** @default 'sid' */
  name?: string;
  /** @default true */
  httpOnly?: boolean;
  /** @default true */
  secure?: boolean;
  /** `'none'` requires `secure: true`. @default 'lax' */
  sameSite?: 'lax' | 'strict' | 'none';
  /** @default '/' */
  path?: string;
  /** @default undefined (host-only cookie) */
  domain?: string;
}

/** @publicApi */
export interface SessionCleanupOptions {
  /** Time between sweeps (a random jitter of up to 10% is added). @default '10m' */
  interval?: Duration;
  /** Rows deleted per statement. @default 1000 */
  batchSize?: number;
}

/** @publicApi */
export interface SessionCacheOptions {
  /** How long a session read from the store is served from memory. */
  ttl: Duration;
  /** Most sessions cached per instance (least recently used dropped first). @default 10000 */
  maxEntries?: number;
}

/**
 * The timeouts of a session signed in with `signIn(session, userId, { rememberMe: true })`,
 * in place of the module's `idleTimeout` / `absoluteTimeout`: each at least as long as the
 * module's. @publicApi
 */
export interface SessionRememberMeOptions {
  /** A remembered session unused this long is dead. */
  idleTimeout: Duration;
  /** A remembered session older than this is dead however active. */
  absoluteTimeout: Duration;
}

/** Options of `SessionModule.forRoot()` / `forRootAsync()`. @publicApi */
export interface SessionModuleOptions {
  /**
   * At least 32 characters each. The first signs new cookies; all of them verify,
   * so a secret can be rotated by putting the new one first.
   */
  secret: string | string[];
  /** @default a `TypeOrmSessionStore` on the app's default TypeORM `DataSource` */
  store?: SessionStore;
  /** A session unused this long is dead. @default '24h' */
  idleTimeout?: Duration;
  /** A session older than this is dead however active. @default '7d' */
  absoluteTimeout?: Duration;
  /**
   * An unmodified session's expiry is written at most this often. Must be shorter than
   * `idleTimeout`. @default '1m', or half of `idleTimeout` when that is shorter
   */
  touchInterval?: Duration;
  /** @default { name: 'sid', httpOnly: true, secure: true, sameSite: 'lax', path: '/' } */
  cookie?: SessionCookieOptions;
  /** Store an anonymous session even when nothing was set in it. @default false */
  saveUninitialized?: boolean;
  /**
   * A class-validator class: session data must satisfy it to be written; stored
   * data that fails it is discarded. @default undefined (no validation)
   */
  dataClass?: new () => object;
  /** When set, `AuthGuard` answers browsers with 303 to this path instead of 401. @default undefined */
  loginPath?: string;
  /** The expired-session sweep; `false` turns it off. @default { interval: '10m', batchSize: 1000 } */
  cleanup?: SessionCleanupOptions | false;
  /**
   * An in-process read cache: an unmodified read costs no store call for `ttl`. Sessions
   * that end (sign-out, regenerate, revoke) are dropped on every instance at once through
   * the store's invalidation channel. @default false
   */
  cache?: SessionCacheOptions | false;
  /**
   * The longest a request (or shutdown) waits for one store call. Past it the request
   * answers 503 with `Retry-After`, the connection that hung is not reused, and shutdown
   * goes on. @default '5s'
   */
  storeTimeout?: Duration;
  /**
   * Most bytes of a session's data, serialized as JSON. A commit past it fails with
   * `SessionDataError` (500, the largest key named), writes nothing and keeps the stored
   * value. @default 65536
   */
  maxDataSize?: number;
  /**
   * The longer timeouts of a session signed in with `{ rememberMe: true }` ("keep me signed
   * in"), kept with the session and enforced on every read; the cookie's expiry follows.
   * @default undefined (`signIn(…, { rememberMe: true })` is then an error)
   */
  rememberMe?: SessionRememberMeOptions;
  /**
   * At most `max` live sessions per user: at `signIn`, past it, the user's oldest sessions are
   * revoked (`'revoke-oldest'`) or the sign-in rejects with `TooManySessionsException` (409,
   * `'refuse'`). Holds across instances sharing the store. Needs a store that lists sessions by
   * user (not the cookie store). @default undefined (no limit)
   */
  maxSessionsPerUser?: SessionLimit;
}

/** Options once validated, with every default applied and durations in milliseconds. */
export interface ResolvedSessionOptions {
  secrets: readonly string[];
  store: SessionStore | undefined;
  idleTimeout: number;
  absoluteTimeout: number;
  touchInterval: number;
  cookie: Required<Omit<SessionCookieOptions, 'domain'>> & { domain: string | undefined };
  saveUninitialized: boolean;
  dataClass: (new () => object) | undefined;
  loginPath: string | undefined;
  /** `enabled: false` when the option was `false`: no schedule, but `deleteExpired()` still works. */
  cleanup: { enabled: boolean; interval: number; batchSize: number };
  cache: { enabled: boolean; ttl: number; maxEntries: number };
  storeTimeout: number;
  maxDataSize: number;
  /** In milliseconds; `undefined` when the option is unset. */
  rememberMe: { idleTimeout: number; absoluteTimeout: number } | undefined;
  maxSessionsPerUser: SessionLimit | undefined;
}
