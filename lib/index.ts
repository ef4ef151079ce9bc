export { SessionModule } from './session.module.js';
export type {
  Duration,
  SessionCacheOptions,
  SessionCleanupOptions,
  SessionCookieOptions,
  SessionModuleOptions,
  SessionRememberMeOptions,
} from './options/session-options.interface.js';

export { Session } from './decorators/session.decorator.js';
export { Public } from './decorators/public.decorator.js';
export { RequireFreshAuth } from './decorators/require-fresh-auth.decorator.js';
export { AuthGuard } from './guards/auth.guard.js';
export { SessionThrottlerGuard } from './guards/session-throttler.guard.js';
export { CsrfGuard } from './guards/csrf.guard.js';
export type { CsrfRequest } from './guards/csrf.guard.js';
export { SessionInterceptor } from './interceptors/session.interceptor.js';
export { SessionService } from './session.service.js';
export type { SignInOptions } from './session.service.js';
export { SESSION_EVENTS } from './events/session-events.constants.js';
export type {
  SessionEvent,
  SessionEventName,
  SessionRevokeReason,
} from './events/session-events.constants.js';
export { SessionStoreHealthIndicator } from './health/session-store-health.indicator.js';
export type { SessionStoreHealth } from './health/session-store-health.indicator.js';
export { SessionCleanupService } from './cleanup/session-cleanup.service.js';
export { SessionStoreUnavailableException } from './errors/session-store-unavailable.exception.js';
export { SessionDataError } from './errors/session-data.error.js';
export { TooManySessionsException } from './errors/too-many-sessions.exception.js';

export { SessionStore, SessionStoreCapabilityError } from './stores/session.store.js';
export type { SessionStoreSettings } from './stores/session.store.js';
export { SealedSessionStore } from './stores/sealed-session.store.js';
export type {
  DeletedSession,
  SessionData,
  SessionInvalidation,
  SessionLimit,
  SessionLimitOutcome,
  SessionInvalidationListener,
  SessionPatch,
  SessionRecord,
  SessionSummary,
} from './stores/session-record.interface.js';
export { MemorySessionStore } from './stores/memory/memory-session.store.js';
export type { MemorySessionStoreOptions } from './stores/memory/memory-session.store.js';
export { CookieSessionStore } from './stores/cookie/cookie-session.store.js';
export type { CookieSessionStoreOptions } from './stores/cookie/cookie-session.store.js';
export { TypeOrmSessionStore } from './stores/typeorm/typeorm-session.store.js';
export type { TypeOrmSessionStoreOptions } from './stores/typeorm/typeorm-session-store-options.interface.js';
export { RedisSessionStore } from './stores/redis/redis-session.store.js';
export type {
  RedisSessionClient,
  RedisSessionStoreOptions,
} from './stores/redis/redis-session-client.interface.js';
export { SessionEntity } from './stores/typeorm/session.entity.js';
export { PortableSessionEntity } from './stores/typeorm/portable-session.entity.js';
export { sessionMigrations } from '../migrations/index.js';
