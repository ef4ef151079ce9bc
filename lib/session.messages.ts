/**
 * Every message this library shows a user (errors, warnings, HTTP bodies), in one
 * place. Each says what went wrong and how to fix it.
 */
export const SESSION_MESSAGES = {
  invalidOptions: (problems: readonly string[]) =>
    `nestjs-sessions: invalid SessionModule options:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
  optionSecret: () =>
    '`secret` must be a string of at least 32 characters, or a non-empty array of such strings ' +
    '(newest first). Generate one with `openssl rand -base64 48`.',
  optionDuration: (name: string) =>
    `\`${name}\` must be a positive number of milliseconds or a string such as '90s', '30m', '2h', '7d'.`,
  optionTouchInterval: () =>
    '`touchInterval` must be shorter than `idleTimeout` (or leave it unset: it is then 1 minute, ' +
    'or half of `idleTimeout` when that is shorter).',
  optionMaxDataSize: () =>
    '`maxDataSize` must be a whole number of bytes from 1024 to 1073741824 (1 GiB).',
  optionHostCookie: (name: string) =>
    `\`cookie.name\` '${name}' starts with '__Host-', which browsers only keep with ` +
    "`cookie.secure: true`, `cookie.path: '/'` and no `cookie.domain`; set those, or rename it.",
  optionStore: () =>
    '`store` must be an instance of a class extending SessionStore, e.g. `new MemorySessionStore()`.',
  optionDataClass: () => '`dataClass` must be a class (decorated with class-validator).',
  optionLoginPath: () => "`loginPath` must be a path starting with '/', e.g. '/login'.",
  optionCookieSameSiteNone: () =>
    "`cookie.sameSite: 'none'` requires `cookie.secure: true` (browsers reject it otherwise).",
  optionBatchSize: () => '`cleanup.batchSize` must be a whole number from 1 to 100000.',
  optionUnknown: (name: string) => `\`${name}\` is not a SessionModule option.`,
  optionInvalid: (name: string, constraint: string) => `\`${name}\`: ${constraint}`,
  noDataSource: () =>
    'nestjs-sessions: no `store` was given and no TypeORM DataSource was found. Import ' +
    'TypeOrmModule.forRoot({ entities: [SessionEntity], migrations: [...sessionMigrations] }) ' +
    'or pass `store` (e.g. `new MemorySessionStore()`) to SessionModule.forRoot().',
  storeCapabilityMissing: (store: object, method: string) =>
    `nestjs-sessions: ${store.constructor.name}.${method}() is not supported by this store. ` +
    'Use a store that keeps sessions server-side (TypeORM, Redis, memory) to list or revoke sessions.',
  storeUnavailable: () => 'Session store unavailable, please retry shortly.',
  storeFailed: (operation: string) =>
    `nestjs-sessions: the session store failed to ${operation}; answering 503.`,
  unauthenticated: () => 'Sign-in required.',
  invalidSessionData: (fields: readonly string[]) =>
    `nestjs-sessions: session data failed validation of dataClass on: ${fields.join(', ')}.`,
  discardedSessionData: (fields: readonly string[]) =>
    `nestjs-sessions: stored session data failed validation of dataClass on: ${fields.join(', ')}; ` +
    'the session was discarded and the request treated as anonymous.',
  discardedNonObjectSessionData: (kind: string) =>
    `nestjs-sessions: stored session data is ${kind}, not a JSON object; ` +
    'the session was discarded and the request treated as anonymous.',
  reservedKey: (key: string) =>
    `nestjs-sessions: session keys starting with '$' are reserved (got '${key}').`,
  sessionDestroyed: () =>
    'nestjs-sessions: this session was destroyed in this request; it can no longer be changed.',
  noSessionOnRequest: () =>
    'nestjs-sessions: @Session() and SessionService need an HTTP request ' +
    '(is SessionModule imported, and is this an HTTP route?).',
  invalidUserId: () => 'nestjs-sessions: signIn() needs a non-empty string userId.',
  notASession: () =>
    'nestjs-sessions: SessionService needs the session given by @Session() (or SessionService.get()).',
  cacheChannelDown: () =>
    'nestjs-sessions: the session cache lost its invalidation channel; reading every session ' +
    'from the store until it is back.',
  throttlerMissing: () =>
    'nestjs-sessions: SessionThrottlerGuard needs @nestjs/throttler: `npm install @nestjs/throttler`.',
  cacheChannelUnverified: (channel: string) =>
    `nestjs-sessions: LISTEN on '${channel}' did not hear a probe NOTIFY from another connection ` +
    '(PgBouncer in transaction mode? an embedded Postgres?); the session cache stays off and ' +
    'every read goes to the store.',
  optionCacheStore: () =>
    '`cache` needs a server-side store that can publish invalidations (TypeORM on PostgreSQL, ' +
    'Redis, memory); a sealed cookie store has nothing to cache.',
  cleanupFailed: () =>
    'nestjs-sessions: expired-session sweep failed; retrying at the next interval.',
  unsupportedDriver: (driver: string) =>
    `nestjs-sessions: TypeOrmSessionStore does not support the '${driver}' driver; use postgres, ` +
    'mariadb, mysql or better-sqlite3, or pass another store.',
  sessionEntityMissing: () =>
    'nestjs-sessions: SessionEntity is not registered on the DataSource given to ' +
    'TypeOrmSessionStore. Add it to `entities` (and `...sessionMigrations` to `migrations`).',
  portableSessionEntityMissing: (driver: string) =>
    `nestjs-sessions: on '${driver}', TypeOrmSessionStore needs PortableSessionEntity (SessionEntity ` +
    'has Postgres-only column types) registered on its DataSource. Add it to `entities` (and ' +
    '`...sessionMigrations` to `migrations`).',
  cookieStoreSecret: () =>
    'nestjs-sessions: CookieSessionStore needs `secret`: a string of at least 32 characters, or a ' +
    'non-empty array of such strings (newest first). Generate one with `openssl rand -base64 48`.',
  cookieStoreTooLarge: (size: number, limit: number) =>
    `nestjs-sessions: the sealed session is ${size} bytes, over CookieSessionStore's limit of ` +
    `${limit} (browsers drop cookies past ~4 KB). Store less in the session (keep ids, not ` +
    'objects) or use a server-side store (TypeORM, Redis).',
  memoryStoreFull: (maxEntries: number) =>
    `nestjs-sessions: MemorySessionStore holds ${maxEntries} signed-in sessions (its maxEntries); ` +
    'the least recently used ones are being dropped, which signs those users out. Raise ' +
    '`maxEntries` or use a database-backed store (TypeORM, Redis).',
  memoryStoreInProduction: () =>
    'nestjs-sessions: MemorySessionStore is in use with NODE_ENV=production. Its sessions are ' +
    'lost on restart and not shared between instances; use TypeOrmSessionStore or RedisSessionStore.',
  csrfCrossSite: () =>
    'CSRF check failed: the request was sent by another site (Origin / Sec-Fetch-Site). ' +
    "Submit forms and API calls from this app's own pages.",
  csrfNoSessionToken: () =>
    'CSRF check failed: this session has no CSRF token yet. Render session.csrfToken() into the ' +
    'page (a `_csrf` form field) or hand it to the client before any unsafe request, then retry.',
  csrfTokenMissing: () =>
    "CSRF check failed: no CSRF token. Send session.csrfToken() in the 'x-csrf-token' header " +
    "or a '_csrf' form field.",
  csrfTokenMismatch: () =>
    "CSRF check failed: the CSRF token does not match this session's. Reload the page and retry.",
} as const;
