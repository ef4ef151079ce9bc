import { Logger } from '@nestjs/common';
import { SessionStoreUnavailableException } from '../errors/session-store-unavailable.exception.js';
import { SESSION_MESSAGES } from '../session.messages.js';
import type { SessionInvalidation } from './session-record.interface.js';
import type { SessionStoreGate } from './session-store.gate.js';
import { SessionStoreCapabilityError } from './session.store.js';
import type { SessionStore } from './session.store.js';

/**
 * Tells every instance sharing the store that sessions ended (their read caches drop them,
 * their sockets on them are disconnected), right after this instance ended them: the one
 * place that publishes, whether or not the cache is on.
 *
 * Best effort, never failing the request: bounded by `storeTimeout` (through the gate, which
 * logs an outage once), silent for a store without a channel (a sealed cookie store, TypeORM
 * on MariaDB or SQLite), and any other failure logged once until a publish succeeds again.
 *
 * @internal
 */
export class SessionInvalidationPublisher {
  private readonly logger = new Logger('SessionStore');
  /** The store said it has no channel: nothing to publish, ever. */
  private unsupported = false;
  private failing = false;

  constructor(
    private readonly store: SessionStore,
    private readonly gate: SessionStoreGate,
  ) {}

  async publish(event: SessionInvalidation): Promise<void> {
    if (this.unsupported) return;
    try {
      await this.gate.run('publish a session invalidation', () =>
        this.store.publishInvalidation(event),
      );
      this.failing = false;
    } catch (error) {
      if (error instanceof SessionStoreCapabilityError) this.unsupported = true;
      else if (!(error instanceof SessionStoreUnavailableException)) this.failed(error);
    }
  }

  private failed(error: unknown): void {
    if (this.failing) return;
    this.failing = true;
    this.logger.warn(SESSION_MESSAGES.invalidationPublishFailed(String(error)));
  }
}
