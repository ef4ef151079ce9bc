/** Injection token of the resolved (validated, defaulted) options. */
export const RESOLVED_SESSION_OPTIONS = Symbol('nestjs-sessions:resolved-options');

/** Metadata set by `@Session()` on its handler: the interceptor loads the session first. */
export const USES_SESSION_KEY = 'nestjs-sessions:uses-session';

/** Metadata key set by `@RequireFreshAuth(maxAge)`: the age in milliseconds. */
export const FRESH_AUTH_KEY = 'nestjs-sessions:fresh-auth';

/** Metadata key set by `@Public()`. */
export const IS_PUBLIC_KEY = 'nestjs-sessions:public';

/** Bytes of randomness in a session token. */
export const TOKEN_BYTES = 32;

/** Data keys the library keeps for itself start with this prefix. */
export const RESERVED_KEY_PREFIX = '$';
export const FLASH_KEY_PREFIX = '$flash:';
export const CSRF_KEY = '$csrf';
/** Data key marking a session signed in with `{ rememberMe: true }`: it has the longer timeouts. */
export const REMEMBER_ME_KEY = '$rememberMe';

/** Seconds a client is told to wait when the store is unreachable. */
export const STORE_RETRY_AFTER_SECONDS = 5;

export const DEFAULT_SESSION_OPTIONS = {
  idleTimeout: '24h',
  absoluteTimeout: '7d',
  /** The most `touchInterval` is when left unset: it is also at most half of `idleTimeout`. */
  touchInterval: '1m',
  cookie: { name: 'sid', httpOnly: true, secure: true, sameSite: 'lax', path: '/' },
  saveUninitialized: false,
  cleanup: { interval: '10m', batchSize: 1000 },
  cache: { ttl: '5s', maxEntries: 10_000 },
  storeTimeout: '5s',
  maxDataSize: 65_536,
} as const;

/** Cookie-name prefix that browsers accept only from a secure, host-only cookie on path `/`. */
export const HOST_COOKIE_PREFIX = '__Host-';

/** Request header `CsrfGuard` reads the CSRF token from. */
export const CSRF_HEADER = 'x-csrf-token';
/** Form (body) field `CsrfGuard` reads the CSRF token from. */
export const CSRF_FIELD = '_csrf';
/** Methods `CsrfGuard` lets through unchecked: they must not change anything. */
export const CSRF_SAFE_METHODS: readonly string[] = ['GET', 'HEAD', 'OPTIONS'];
/** `Sec-Fetch-Site` values `CsrfGuard` accepts: the app's own pages, or the user's own action. */
export const CSRF_TRUSTED_FETCH_SITES: readonly string[] = ['same-origin', 'none'];

/**
 * Most signed cookie values a `SignedTokenCookie` remembers as verified (oldest forgotten first),
 * so a returning cookie costs neither its HMACs nor its SHA-256 again.
 */
export const VERIFIED_COOKIE_MEMO_MAX_ENTRIES = 10_000;
