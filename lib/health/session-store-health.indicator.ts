import { Injectable } from '@nestjs/common';
import { SessionStoreGate } from '../stores/session-store.gate.js';
import { SessionStore } from '../stores/session.store.js';

/**
 * One indicator's result, in `@nestjs/terminus`'s shape (`HealthIndicatorResult`), declared
 * here so the optional peer never appears in this package's types.
 *
 * @publicApi
 */
export type SessionStoreHealth<Key extends string = 'sessionStore'> = Record<
  Key,
  { status: 'up' } | { status: 'down'; message: string }
>;

/**
 * A `@nestjs/terminus` health indicator for the session store: one round trip to it (a read of
 * an id that never exists), bounded by `storeTimeout` — `up`, or `down` with the reason, the
 * same truth the 503s tell. Needs nothing from terminus itself: inject it next to
 * `HealthCheckService` and list it in `check()`:
 *
 * ```ts
 * @Get('health') @HealthCheck()
 * check() {
 *   return this.health.check([() => this.sessionStore.isHealthy()]);
 * }
 * ```
 *
 * @publicApi
 */
@Injectable()
export class SessionStoreHealthIndicator {
  constructor(
    private readonly store: SessionStore,
    private readonly gate: SessionStoreGate,
  ) {}

  /** Never rejects: a store that fails or does not answer within `storeTimeout` is `down`. */
  async isHealthy<const Key extends string = 'sessionStore'>(
    key: Key = 'sessionStore' as Key,
  ): Promise<SessionStoreHealth<Key>> {
    try {
      await this.gate.run('health check', () => this.store.ping());
      return { [key]: { status: 'up' } } as SessionStoreHealth<Key>;
    } catch (error) {
      const cause = (error as { cause?: unknown }).cause ?? error;
      const message = cause instanceof Error ? cause.message : String(cause);
      return { [key]: { status: 'down', message } } as SessionStoreHealth<Key>;
    }
  }
}
