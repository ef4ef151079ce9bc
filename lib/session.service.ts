import { Injectable } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import { SessionCleanupService } from './cleanup/session-cleanup.service.js';
import { requireTransport } from './transports/session-transports.js';
import { SESSION_MESSAGES } from './session.messages.js';
import { SessionInvalidationPublisher } from './stores/session-invalidation.publisher.js';
import type { SessionSummary } from './stores/session-record.interface.js';
import { SessionStoreGate } from './stores/session-store.gate.js';
import { SessionStore } from './stores/session.store.js';
import { SessionExpiryPolicy } from './session/session-expiry.policy.js';
import { SessionHandle } from './session/session.handle.js';
import type { Session } from './session/session.interface.js';
import { SessionLoader } from './session/session.loader.js';

/**
 * Sign-in, sign-out and the management of a user's sessions across devices.
 *
 * @publicApi
 */
@Injectable()
export class SessionService {
  private readonly invalidations: SessionInvalidationPublisher;

  constructor(
    private readonly store: SessionStore,
    private readonly loader: SessionLoader,
    private readonly cleanup: SessionCleanupService,
    private readonly gate: SessionStoreGate,
    private readonly expiry: SessionExpiryPolicy,
  ) {
    this.invalidations = new SessionInvalidationPublisher(store, gate);
  }

  /** The current request's session, for an app's own guards and interceptors. */
  async get<T extends object = Record<string, unknown>>(
    context: ExecutionContext,
  ): Promise<Session<T>> {
    const { handle } = await this.loader.load(requireTransport(context).exchange(context));
    return handle as unknown as Session<T>;
  }

  /**
   * Binds `userId` to the session under a new token (the old one stops working at
   * once: no session fixation), keeping its data, and stamps `authenticatedAt`.
   */
  async signIn(session: Session<object>, userId: string): Promise<void> {
    if (typeof userId !== 'string' || userId.length === 0) {
      throw new TypeError(SESSION_MESSAGES.invalidUserId());
    }
    const handle = this.handleOf(session);
    await handle.regenerate();
    handle.bindUser(userId, new Date());
  }

  /** Deletes the session now; the response clears the cookie. */
  async signOut(session: Session<object>): Promise<void> {
    await this.handleOf(session).destroy();
  }

  /** The user's live sessions, oldest first (`id` is what `revoke()` takes). */
  async listForUser(userId: string): Promise<SessionSummary[]> {
    const now = new Date();
    const records = await this.gate.run('list sessions', () => this.store.findByUser(userId, now));
    return records
      .filter((r) => !this.expiry.isExpired(r, now))
      .map(({ id, createdAt, lastSeenAt, userAgent, ip }) => ({
        id,
        createdAt,
        lastSeenAt,
        expiresAt: this.expiry.expiryOf(createdAt, lastSeenAt),
        userAgent,
        ip,
      }));
  }

  /**
   * Ends one session, on every instance sharing the store. Unknown ids are ignored. A
   * sealed (stateless) store cannot end a session it does not hold: it rejects with
   * `SessionStoreCapabilityError` rather than pretend.
   */
  async revoke(id: string): Promise<void> {
    await this.gate.run('revoke a session', () => this.store.delete(id));
    await this.invalidations.publish({ ids: [id] });
  }

  /** Ends every session of `userId` (but `except`), on every instance at once. */
  async revokeAllForUser(userId: string, options: { except?: string } = {}): Promise<number> {
    const { except } = options;
    const revoked = await this.gate.run('revoke sessions', () =>
      this.store.deleteByUser(userId, except),
    );
    await this.invalidations.publish(except === undefined ? { userId } : { userId, except });
    return revoked;
  }

  /** Deletes expired sessions now, in batches; resolves with how many were deleted. */
  deleteExpired(): Promise<number> {
    return this.cleanup.sweep();
  }

  private handleOf(session: Session<object>): SessionHandle {
    if (session instanceof SessionHandle) return session as SessionHandle;
    throw new Error(SESSION_MESSAGES.notASession());
  }
}
