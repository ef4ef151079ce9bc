import { Logger } from '@nestjs/common';
import type { OnModuleDestroy } from '@nestjs/common';
import { SESSION_MESSAGES } from '../session.messages.js';
import type {
  DeletedSession,
  SessionInvalidation,
  SessionInvalidationListener,
  SessionLimit,
  SessionLimitOutcome,
  SessionPatch,
  SessionRecord,
} from '../stores/session-record.interface.js';
import { idsToDelete } from '../stores/session-limit.util.js';
import { applySessionPatch } from '../stores/session-patch.util.js';
import { SessionStore } from '../stores/session.store.js';
import type { SessionStoreSettings } from '../stores/session.store.js';
import { StoreTimeoutError, startCall, withDeadline } from '../stores/store-deadline.util.js';

interface Entry {
  record: SessionRecord;
  /** `Date.now()` after which the entry must be read again from the store. */
  freshUntil: number;
}

/**
 * The optional read cache (`cache: { ttl }`): sessions read from the inner store are kept
 * in process for `ttl`, so a request that only reads its session costs no store call.
 *
 * Every session that ends anywhere (sign-out, regenerate, revoke, revoke-all) is published
 * through the inner store's invalidation channel (PostgreSQL `LISTEN/NOTIFY`, Redis
 * pub/sub) by whoever ended it (`SessionInvalidationPublisher`), and dropped by every
 * instance's cache as the message arrives (by this one's at once, as it deletes). While the channel
 * is down the cache is bypassed, so a missed message can never serve an ended session.
 * Data written by another instance may be seen here up to `ttl` late (writes are per-key
 * patches in the store, so nothing is lost by that).
 *
 * A cached record is handed out as it is, not copied, to every request that reads it: readers
 * must never change it (`SessionHandle` is copy-on-write). The cache copies what it keeps from
 * its callers instead (a created record, a patch's values), and replaces a patched record
 * rather than changing it, so a record already handed out never changes under its reader.
 *
 * Starting and stopping the channel are bounded by `storeTimeout`: a channel that does not
 * start in time leaves the cache bypassed (the store's channel keeps trying in the background
 * and turns the cache on once it is proven), and one that does not stop in time does not hold
 * up shutdown.
 *
 * @internal
 */
export class CachedSessionStore extends SessionStore implements OnModuleDestroy {
  private readonly logger = new Logger('SessionCache');
  private readonly entries = new Map<string, Entry>();
  private listening = false;
  private stopped = false;
  private timeout = 0;
  private unsubscribe: (() => Promise<void>) | undefined;

  constructor(
    readonly inner: SessionStore,
    private readonly ttl: number,
    private readonly maxEntries: number,
  ) {
    super();
  }

  /** At startup (`SessionModule`'s `onModuleInit`): the inner store's check, then the channel. */
  override async initialize(settings: SessionStoreSettings): Promise<void> {
    await this.inner.initialize(settings);
    this.timeout = settings.timeout;
    await this.listen();
  }

  /**
   * Before any `onApplicationShutdown`: TypeORM ends its pool there, and waits for the
   * connection the channel holds. Bounded: a channel that does not stop in time is dropped.
   */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.listening = false;
    this.entries.clear();
    const unsubscribe = this.unsubscribe;
    this.unsubscribe = undefined;
    if (unsubscribe) await this.stop(unsubscribe);
  }

  /** The cached record itself on a hit (shared, read-only: see the class), else the store's. */
  /** A fresh entry's record, shared (never mutated: see `SessionHandle`), without any I/O. */
  override peek(id: string, now: Date): SessionRecord | undefined {
    const entry = this.entries.get(id);
    if (entry && entry.freshUntil > Date.now() && entry.record.expiresAt > now) return entry.record;
    return undefined;
  }

  async find(id: string, now: Date): Promise<SessionRecord | null> {
    const cached = this.peek(id, now);
    if (cached) return cached;
    this.entries.delete(id);
    const record = await this.inner.find(id, now);
    if (record) this.remember(record);
    return record;
  }

  async create(record: SessionRecord): Promise<void> {
    await this.inner.create(record);
    this.remember(record);
  }

  async patch(id: string, patch: SessionPatch): Promise<boolean> {
    const found = await this.inner.patch(id, patch);
    const entry = this.entries.get(id);
    if (!found || !entry) {
      this.entries.delete(id);
      return found;
    }
    entry.record = applySessionPatch(entry.record, patch, structuredClone(patch.set));
    return true;
  }

  async delete(id: string): Promise<void> {
    await this.inner.delete(id);
    this.drop({ ids: [id] });
  }

  override findByUser(userId: string, now: Date): Promise<SessionRecord[]> {
    return this.inner.findByUser(userId, now);
  }

  override async deleteByUser(
    userId: string,
    exceptId?: string,
    report?: (ids: string[]) => void,
  ): Promise<number> {
    const deleted = await this.inner.deleteByUser(userId, exceptId, report);
    this.drop({ userId, except: exceptId });
    return deleted;
  }

  override deleteExpired(
    now: Date,
    limit: number,
    report?: (sessions: DeletedSession[]) => void,
  ): Promise<number> {
    return this.inner.deleteExpired(now, limit, report);
  }

  override async createWithinLimit(
    record: SessionRecord,
    limit: SessionLimit,
    now: Date,
    replaces?: string,
  ): Promise<SessionLimitOutcome> {
    const outcome = await this.inner.createWithinLimit(record, limit, now, replaces);
    this.drop({ ids: outcome.created ? idsToDelete(outcome.revoked, replaces) : [] });
    if (outcome.created) this.remember(record);
    return outcome;
  }

  override ping(): Promise<void> {
    return this.inner.ping();
  }

  override supports(method: Parameters<SessionStore['supports']>[0]): boolean {
    return this.inner.supports(method);
  }

  /** The inner store's channel: the cache is one more listener on it, never a publisher. */
  override publishInvalidation(event: SessionInvalidation): Promise<void> {
    return this.inner.publishInvalidation(event);
  }

  override subscribeInvalidations(
    listener: SessionInvalidationListener,
  ): Promise<() => Promise<void>> {
    return this.inner.subscribeInvalidations(listener);
  }

  /**
   * Subscribes to the inner store's channel, waiting at most `storeTimeout`. A store that
   * cannot publish invalidations fails startup; one that is slow leaves the cache bypassed.
   */
  private async listen(): Promise<void> {
    const listener: SessionInvalidationListener = {
      invalidate: (event) => this.drop(event),
      connected: (up) => {
        this.entries.clear();
        if (this.listening && !up) this.logger.warn(SESSION_MESSAGES.cacheChannelDown());
        this.listening = up && !this.stopped;
      },
    };
    const subscribed = this.inner.subscribeInvalidations(listener);
    const subscribedLate = (unsubscribe: () => Promise<void>) => {
      if (this.stopped) void this.stop(unsubscribe);
      else this.unsubscribe = unsubscribe;
    };
    try {
      this.unsubscribe = await withDeadline(
        subscribed,
        this.timeout,
        'subscribe to session invalidations',
        subscribedLate,
      );
    } catch (error) {
      if (!(error instanceof StoreTimeoutError)) throw error;
      this.logger.warn(SESSION_MESSAGES.cacheChannelSlow(this.timeout));
    }
  }

  private async stop(unsubscribe: () => Promise<void>): Promise<void> {
    try {
      await withDeadline(
        startCall(unsubscribe),
        this.timeout,
        'stop listening for session invalidations',
      );
    } catch (error) {
      this.logger.warn(SESSION_MESSAGES.cacheChannelStopFailed(String(error)));
    }
  }

  private drop(event: SessionInvalidation): void {
    if ('ids' in event) {
      for (const id of event.ids) this.entries.delete(id);
      return;
    }
    for (const [id, { record }] of this.entries) {
      if (record.userId === event.userId && id !== event.except) this.entries.delete(id);
    }
  }

  /** Keeps a copy of `record`, which stays its giver's (the caller's, or the inner store's). */
  private remember(record: SessionRecord): void {
    if (!this.listening) return;
    this.entries.delete(record.id);
    this.entries.set(record.id, {
      record: structuredClone(record),
      freshUntil: Date.now() + this.ttl,
    });
    if (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
  }
}
