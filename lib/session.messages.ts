/**
 * Each kind of value `session.set()` / `flash()` refuses, given the class name where it
 * matters: `[what it is, what to store instead]`.
 */
const REFUSED_SESSION_VALUES = {
  function: () => ['a function', 'store data only, leaving functions out'],
  symbol: () => ['a symbol', 'store a string instead'],
  bigint: () => ['a BigInt', 'store value.toString() instead'],
  nonFinite: (name: string) => [name, 'store a finite number, or null, instead'],
  date: () => ['a Date', 'store date.toISOString() instead (and new Date(value) after get())'],
  map: () => ['a Map', 'store Object.fromEntries(map) or [...map] instead'],
  set: () => ['a Set', 'store [...set] instead'],
  regexp: () => ['a RegExp', 'store regexp.source and regexp.flags instead'],
  error: (name: string) => [`an Error (${name})`, 'store error.message instead'],
  boxed: (name: string) => [`a boxed ${name}`, 'store the primitive, value.valueOf(), instead'],
  binary: (name: string) => [
    `binary data (${name})`,
    "store a base64 string (buffer.toString('base64')) or a plain array (Array.from(view)) instead",
  ],
  builtIn: (name: string) => [`a ${name}`, 'store plain data instead'],
  toJSON: (name: string) => [
    `an object with a toJSON() method (${name})`,
    'store value.toJSON(), or the fields you need, instead',
  ],
  undefinedInArray: () => [
    'undefined (or a hole) in an array',
    'store null there, or leave the element out',
  ],
  circular: () => [
    'a circular reference (to an object that contains it)',
    'store a copy without the cycle, e.g. ids instead of the objects',
  ],
  nul: () => [
    'a string with a NUL character (\\u0000)',
    "remove it first, e.g. value.replaceAll('\\u0000', '')",
  ],
  loneSurrogate: () => [
    'a string with a lone surrogate (half of a UTF-16 pair, not valid Unicode)',
    'store value.toWellFormed() instead',
  ],
  tooDeep: (limit: string) => [`nested deeper than ${limit} levels`, 'store a flatter structure'],
} satisfies Record<string, (name: string) => [string, string]>;

/** A kind of value a session refuses (see `session-value.checker.ts`). */
export type RefusedSessionValue = keyof typeof REFUSED_SESSION_VALUES;

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
  optionRememberMe: () =>
    "`rememberMe` must be an object such as { idleTimeout: '30d', absoluteTimeout: '90d' }.",
  optionRememberMeShorter: (which: 'idleTimeout' | 'absoluteTimeout') =>
    `\`rememberMe.${which}\` must not be shorter than \`${which}\`: remembered sessions are ` +
    'meant to last longer than the others.',
  optionRememberMeOrder: () =>
    '`rememberMe.idleTimeout` must not be longer than `rememberMe.absoluteTimeout`.',
  optionMaxSessions: () =>
    "`maxSessionsPerUser` must be an object such as { max: 3, whenExceeded: 'revoke-oldest' }.",
  optionMaxSessionsMax: () => '`maxSessionsPerUser.max` must be a whole number from 1 to 10000.',
  optionMaxSessionsWhen: () =>
    "`maxSessionsPerUser.whenExceeded` must be 'revoke-oldest' or 'refuse'.",
  optionMaxSessionsStore: (store: string) =>
    `\`maxSessionsPerUser\` needs a store that lists and revokes a user's sessions at once ` +
    `(TypeOrmSessionStore, RedisSessionStore, MemorySessionStore); ${store} cannot ` +
    '(a cookie store keeps nothing server-side to count).',
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
  storeUnreachable: (operation: string, error: string) =>
    `nestjs-sessions: the session store is unreachable (failed to ${operation}: ${error}); ` +
    'requests that need a session answer 503 until it answers again.',
  storeReachableAgain: (outageMs: number, refused: number) =>
    `nestjs-sessions: the session store is reachable again after ${(outageMs / 1000).toFixed(1)} s; ` +
    `${refused === 1 ? '1 request was' : `${refused} requests were`} answered 503 meanwhile.`,
  storeTimedOut: (operation: string, timeout: number) =>
    `no answer to "${operation}" within storeTimeout (${timeout} ms); raise \`storeTimeout\` ` +
    'if the store is only slow.',
  cacheChannelSlow: (timeout: number) =>
    `nestjs-sessions: the session cache's invalidation channel did not start within ` +
    `storeTimeout (${timeout} ms); reading every session from the store until it is up ` +
    '(it keeps trying in the background).',
  cacheChannelStopFailed: (error: string) =>
    `nestjs-sessions: the session cache did not stop listening for invalidations cleanly ` +
    `(${error}); shutdown goes on.`,
  unauthenticated: () => 'Sign-in required.',
  invalidSessionData: (fields: readonly string[]) =>
    `nestjs-sessions: session data failed validation of dataClass on: ${fields.join(', ')}.`,
  discardedSessionData: (fields: readonly string[]) =>
    `nestjs-sessions: stored session data failed validation of dataClass on: ${fields.join(', ')}; ` +
    'the session was discarded and the request treated as anonymous.',
  discardedNonObjectSessionData: (kind: string) =>
    `nestjs-sessions: stored session data is ${kind}, not a JSON object; ` +
    'the session was discarded and the request treated as anonymous.',
  /** `call` is e.g. `set('cart', …)`; `where` is the path in the value, or `the key …`. */
  refusedSessionValue: (call: string, where: string, kind: RefusedSessionValue, name = '') => {
    const [what, fix] = REFUSED_SESSION_VALUES[kind](name);
    return (
      `nestjs-sessions: session.${call} refused: ${where} is ${what}, which a session store ` +
      `cannot keep as it is; ${fix}. The session is unchanged.`
    );
  },
  sessionDataTooLarge: (size: number, limit: number, key: string, keySize: number) =>
    `nestjs-sessions: the session's data would be ${size} bytes as JSON, over maxDataSize ` +
    `(${limit} bytes); its largest key is ${key} (${keySize} bytes). Nothing was saved and the ` +
    'stored session is unchanged. Store less in the session (keep ids, not whole objects, and ' +
    'load the rest from your database), or raise maxDataSize.',
  reservedKey: (key: string) =>
    `nestjs-sessions: session keys starting with '$' are reserved (got '${key}').`,
  sessionDestroyed: () =>
    'nestjs-sessions: this session was destroyed in this request; it can no longer be changed.',
  noSessionOnRequest: () =>
    'nestjs-sessions: @Session() and SessionService need an HTTP request ' +
    '(is SessionModule imported, and is this an HTTP route?).',
  rememberMeNotConfigured: () =>
    'nestjs-sessions: signIn(session, userId, { rememberMe: true }) needs the `rememberMe` ' +
    "option: SessionModule.forRoot({ …, rememberMe: { idleTimeout: '30d', absoluteTimeout: '90d' } }).",
  tooManySessions: (max: number) =>
    `This account is already signed in on ${max} ${max === 1 ? 'device' : 'devices'}; ` +
    'sign out of one of them first.',
  reauthenticationRequired: () => 'ReauthenticationRequired',
  reauthenticateAnonymous: () =>
    'nestjs-sessions: reauthenticate(session) needs a signed-in session; use signIn() first.',
  requireFreshAuthMaxAge: (value: string) =>
    `nestjs-sessions: @RequireFreshAuth(${value}): the age must be a positive duration such as ` +
    "'10m' or a number of milliseconds.",
  userLockTimedOut: (timeout: number) =>
    `another sign-in of the same user held its lock for over ${timeout} ms`,
  eventListenerFailed: (event: string) =>
    `nestjs-sessions: a listener of '${event}' threw; the session operation is unaffected.`,
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
    '(PgBouncer in transaction mode? an embedded Postgres?), so ended sessions are not announced ' +
    'to the other instances: the read cache stays off (every read goes to the store) and a ' +
    "socket is refused at its next message rather than disconnected at once. Give the store's " +
    'notifications a direct connection: new TypeOrmSessionStore(dataSource, { ' +
    'invalidationDataSource }).',
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
    'TypeOrmSessionStore. Add it to `entities: [SessionEntity]` (and `...sessionMigrations` to ' +
    '`migrations`, with `migrationsRun: true`).',
  portableSessionEntityMissing: (driver: string) =>
    `nestjs-sessions: on '${driver}', TypeOrmSessionStore needs PortableSessionEntity (SessionEntity ` +
    'has Postgres-only column types) registered on its DataSource. Add it to ' +
    '`entities: [PortableSessionEntity]` (and `...sessionMigrations` to `migrations`, with ' +
    '`migrationsRun: true`).',
  sessionTableMissing: (table: string) =>
    `nestjs-sessions: the sessions table ${table} does not exist. Add \`...sessionMigrations\` to ` +
    "the DataSource's `migrations` with `migrationsRun: true`, or run the migrations " +
    '(`npx typeorm migration:run -d <your data source>`) before the app starts.',
  sessionColumnsMissing: (table: string, columns: readonly string[]) =>
    `nestjs-sessions: the sessions table ${table} has no column ${columns.join(', ')}: it was ` +
    'not made by (or not fully migrated with) sessionMigrations. Add `...sessionMigrations` to ' +
    "the DataSource's `migrations` with `migrationsRun: true`, or run the migrations, or add " +
    'the missing columns as migrations/ creates them.',
  dataSourceNotInitialized: (timeout: number) =>
    'nestjs-sessions: the DataSource given to TypeOrmSessionStore was still not initialized ' +
    `${timeout} ms (storeTimeout) into startup. \`await dataSource.initialize()\` before the ` +
    'app starts (TypeOrmModule does it for you).',
  sessionTableUnchecked: (table: string, reason: string) =>
    `nestjs-sessions: could not check the sessions table ${table} at startup (${reason}); ` +
    'starting anyway: requests that need a session answer 503 until the database answers.',
  preparedStatementsOff: () =>
    'nestjs-sessions: a prepared statement was missing on the server connection (a transaction ' +
    'pooler such as PgBouncer in transaction mode moves connections between statements); ' +
    'TypeOrmSessionStore runs unnamed statements from now on. To start that way, pass ' +
    '`new TypeOrmSessionStore(dataSource, { preparedStatements: false })` as `store`.',
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
  socketCannotSetCookie: () =>
    'nestjs-sessions: a socket cannot set a cookie: sign in over HTTP. signIn(), signOut(), ' +
    'reauthenticate(), regenerate() and destroy() change the session cookie, so call them in an ' +
    'HTTP route (or a GraphQL mutation) and reconnect the socket afterwards.',
  socketUnauthorized: () => 'Unauthorized',
  socketInvalidationsUnavailable: (error: string) =>
    `nestjs-sessions: cannot listen for ended sessions (${error}); a socket whose session ends ` +
    'elsewhere is refused at its next message instead of being disconnected at once.',
  socketChannelStopFailed: (error: string) =>
    `nestjs-sessions: did not stop listening for ended sessions cleanly (${error}); shutdown goes on.`,
  invalidationPublishFailed: (error: string) =>
    `nestjs-sessions: could not tell the other instances that a session ended (${error}); their ` +
    'caches and sockets learn it at the next read. Logged once until a publish succeeds again.',
  csrfTokenMismatch: () =>
    "CSRF check failed: the CSRF token does not match this session's. Reload the page and retry.",
  commitFailed: () =>
    'nestjs-sessions: the session could not be saved after the request; its changes are lost ' +
    'and the response is a 500.',
} as const;
