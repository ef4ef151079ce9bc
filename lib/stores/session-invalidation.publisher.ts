import { Logger } from '@nestjs/common';
import { SessionStoreUnavailableException } from '../errors/session-store-unavailable.exception.js';
import { SESSION_MESSAGES } from '../session.messages.js';
import type { SessionInvalidation } from './session-record.interface.js';
import type { SessionStoreGate } from './session-store.gate.js';
import { SessionStoreCapabilityError } from './session.store.js';
import type { SessionStore } from './session.store.js';

/** Hears a session invalidation. */
export type LocalInvalidationListener = (event: SessionInvalidation) => void;

/** Listeners of what this process publishes, by store (the module's `SessionStore` provider). */
const localListeners = new WeakMap<SessionStore, Set<LocalInvalidationListener>>();

/**
 * Hears every invalidation a {@link SessionInvalidationPublisher} of this process publishes for
 * `store`, the moment it is published: before the store's channel carries it to the other
 * instances, and whether or not there is a working channel at all (TypeORM on MariaDB or
 * SQLite has none; `LISTEN` on an embedded single-backend Postgres never hears another
 * connection). A session ended on this instance is so always acted on here; the channel's echo
 * of it, when one comes, finds nothing left to do.
 *
 * @returns a function that stops listening.
 * @internal
 */
export function onLocalInvalidation(
  store: SessionStore,
  listener: LocalInvalidationListener,
): () => void {
  let listeners = localListeners.get(store);
  if (!listeners) localListeners.set(store, (listeners = new Set()));
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

/**
 * Tells every instance sharing the store that sessions ended (their read caches drop them,
 * their sockets on them are disconnected), right after this instance ended them: the one
 * place that publishes, whether or not the cache is on. This instance's own listeners
 * ({@link onLocalInvalidation}) hear it first, directly, channel or not.
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
    for (const listener of [...(localListeners.get(this.store) ?? [])]) {
      listener(structuredClone(event));
    }
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
