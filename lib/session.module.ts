import { Inject, Module } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, ModulesContainer } from '@nestjs/core';
import { SessionCleanupService } from './cleanup/session-cleanup.service.js';
import { SessionStoreUnavailableFilter } from './transports/session-store-unavailable.filter.js';
import { SessionEventEmitter } from './events/session-event.emitter.js';
import { AuthGuard } from './guards/auth.guard.js';
import { FreshAuthGuard } from './guards/fresh-auth.guard.js';
import { SessionStoreHealthIndicator } from './health/session-store-health.indicator.js';
import { SessionLoadingGuard } from './guards/session-loading.guard.js';
import { bindToGateways } from './interceptors/session.interceptor.js';
import type {
  ResolvedSessionOptions,
  SessionModuleOptions,
} from './options/session-options.interface.js';
import { resolveSessionOptions } from './options/session-options.resolver.js';
import { RESOLVED_SESSION_OPTIONS } from './session.constants.js';
import { ConfigurableModuleClass, SESSION_MODULE_OPTIONS } from './session.module-definition.js';
import { SESSION_STORE_PROVIDERS } from './session-store.providers.js';
import { SessionCommitter } from './session/session.committer.js';
import { SessionExpiryPolicy } from './session/session-expiry.policy.js';
import { SessionLoader } from './session/session.loader.js';
import { SessionService } from './session.service.js';
import { SessionSocketRegistry } from './sockets/session-socket.registry.js';
import { HttpCommitHook } from './transports/http-commit.hook.js';
import { SessionStore } from './stores/session.store.js';

/**
 * Server-side sessions: `SessionModule.forRoot({ secret })` or `forRootAsync({ ... })`.
 * Global by default (`isGlobal: false` to scope it). Options are validated at startup.
 *
 * @publicApi
 */
@Module({
  providers: [
    {
      provide: RESOLVED_SESSION_OPTIONS,
      inject: [SESSION_MODULE_OPTIONS],
      useFactory: (options: SessionModuleOptions) => resolveSessionOptions(options),
    },
    ...SESSION_STORE_PROVIDERS,
    SessionExpiryPolicy,
    SessionLoader,
    SessionCommitter,
    SessionService,
    SessionCleanupService,
    SessionEventEmitter,
    AuthGuard,
    FreshAuthGuard,
    SessionStoreHealthIndicator,
    HttpCommitHook,
    { provide: APP_GUARD, useClass: SessionLoadingGuard },
    SessionSocketRegistry,
    { provide: APP_FILTER, useClass: SessionStoreUnavailableFilter },
  ],
  exports: [
    RESOLVED_SESSION_OPTIONS,
    SessionStore,
    SessionLoader,
    SessionService,
    AuthGuard,
    FreshAuthGuard,
    SessionStoreHealthIndicator,
  ],
})
export class SessionModule extends ConfigurableModuleClass implements OnModuleInit {
  constructor(
    @Inject(RESOLVED_SESSION_OPTIONS) private readonly options: ResolvedSessionOptions,
    private readonly store: SessionStore,
    modules: ModulesContainer,
  ) {
    super();
    bindToGateways(modules); // before `app.init()` wires the gateways
  }

  /** Lets the store check itself before the first request: a missing table stops boot. */
  async onModuleInit(): Promise<void> {
    await this.store.initialize({ timeout: this.options.storeTimeout });
  }
}
