import { Inject, Injectable } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import { SessionCleanupService } from './cleanup/session-cleanup.service.js';
import { TooManySessionsException } from './errors/too-many-sessions.exception.js';
import { SessionEventEmitter } from './events/session-event.emitter.js';
import { SESSION_EVENTS } from './events/session-events.constants.js';
import type { ResolvedSessionOptions } from './options/session-options.interface.js';
import { requireTransport } from './transports/session-transports.js';
import { RESOLVED_SESSION_OPTIONS } from './session.constants.js';
import { SESSION_MESSAGES } from './session.messages.js';
import { SessionInvalidationPublisher } from './stores/session-invalidation.publisher.js';
import type { SessionLimit, SessionSummary } from './stores/session-record.interface.js';
import { SessionStoreGate } from './stores/session-store.gate.js';
import { SessionStore } from './stores/session.store.js';
import { SessionExpiryPolicy } from './session/session-expiry.policy.js';
import { SessionHandle } from './session/session.handle.js';
import type { Session } from './session/session.interface.js';
import { SessionLoader } from './session/session.loader.js';

/** Options of `SessionService.signIn()`. @publicApi */
export interface SignInOptions {
  /**
   * "Keep me signed in": the session gets the `rememberMe` option's longer timeouts (an error
   * when that option is unset). @default false
   */
  rememberMe?: boolean;
}

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
    private readonly events: SessionEventEmitter,
    @Inject(RESOLVED_SESSION_OPTIONS) private readonly options: ResolvedSessionOptions,
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
   * once: no session fixation), keeping its data, and stamps `authenticatedAt`. With
   * `{ rememberMe: true }` the session gets the `rememberMe` option's timeouts.
   *
   * With `maxSessionsPerUser`, the signed-in session is written here, at once, within the
   * limit: the user's oldest sessions are revoked to make room, or (`'refuse'`) this rejects
   * with `TooManySessionsException`, leaving the session as it was.
   */
  async signIn(
    session: Session<object>,
    userId: string,
    options: SignInOptions = {},
  ): Promise<void> {
    if (typeof userId !== 'string' || userId.length === 0) {
      throw new TypeError(SESSION_MESSAGES.invalidUserId());
    }
    const rememberMe = options.rememberMe === true;
    if (rememberMe && !this.options.rememberMe) {
      throw new Error(SESSION_MESSAGES.rememberMeNotConfigured());
    }
    const handle = this.handleOf(session);
    const limit = this.options.maxSessionsPerUser;
    if (limit) return this.signInWithinLimit(handle, userId, rememberMe, limit);
    await handle.regenerate();
    handle.bindUser(userId, new Date(), rememberMe);
    if (this.events.enabled) handle.whenStored(() => this.signedIn(handle));
  }

  /**
   * After the app checked the user's password again: stamps `authenticatedAt` (what
   * `@RequireFreshAuth` reads) and issues a new token, as `signIn` does. The session must be
   * signed in.
   */
  async reauthenticate(session: Session<object>): Promise<void> {
    const handle = this.handleOf(session);
    if (handle.userId === null) throw new Error(SESSION_MESSAGES.reauthenticateAnonymous());
    await handle.regenerate();
    handle.reauthenticated(new Date());
  }

  /** Deletes the session now; the response clears the cookie. */
  async signOut(session: Session<object>): Promise<void> {
    const handle = this.handleOf(session);
    const { id, userId, isStored } = handle;
    await handle.destroy();
    if (isStored && userId !== null) {
      this.events.emit(SESSION_EVENTS.signedOut, { id, userId, at: new Date() });
    }
  }

  /** The user's live sessions, oldest first (`id` is what `revoke()` takes). */
  async listForUser(userId: string): Promise<SessionSummary[]> {
    const now = new Date();
    const records = await this.gate.run('list sessions', () => this.store.findByUser(userId, now));
    return records
      .filter((r) => !this.expiry.isExpired(r, now))
      .map((record) => ({
        id: record.id,
        createdAt: record.createdAt,
        lastSeenAt: record.lastSeenAt,
        expiresAt: this.expiry.expiryOf(record),
        userAgent: record.userAgent,
        ip: record.ip,
      }));
  }

  /**
   * Ends one session, on every instance sharing the store. Unknown ids are ignored. A
   * sealed (stateless) store cannot end a session it does not hold: it rejects with
   * `SessionStoreCapabilityError` rather than pretend.
   */
  async revoke(id: string): Promise<void> {
    const ended = this.events.enabled
      ? await this.gate.run('revoke a session', () => this.store.find(id, new Date()))
      : null;
    await this.gate.run('revoke a session', () => this.store.delete(id));
    await this.invalidations.publish({ ids: [id] });
    if (ended) this.revoked([id], ended.userId, 'revoke');
  }

  /** Ends every session of `userId` (but `except`), on every instance at once. */
  async revokeAllForUser(userId: string, options: { except?: string } = {}): Promise<number> {
    const { except } = options;
    let ended: string[] = [];
    const report = this.events.enabled ? (ids: string[]) => (ended = ids) : undefined;
    const revoked = await this.gate.run('revoke sessions', () =>
      this.store.deleteByUser(userId, except, report),
    );
    await this.invalidations.publish(except === undefined ? { userId } : { userId, except });
    this.revoked(ended, userId, 'revokeAllForUser');
    return revoked;
  }

  /** Deletes expired sessions now, in batches; resolves with how many were deleted. */
  deleteExpired(): Promise<number> {
    return this.cleanup.sweep();
  }

  private async signInWithinLimit(
    handle: SessionHandle,
    userId: string,
    rememberMe: boolean,
    limit: SessionLimit,
  ): Promise<void> {
    const now = new Date();
    const prepared = handle.prepareSignIn(userId, rememberMe, now);
    const replaces = handle.isStored ? handle.id : undefined;
    const outcome = await this.gate.run('sign in', () =>
      this.store.createWithinLimit(prepared.record, limit, now, replaces),
    );
    if (!outcome.created) throw new TooManySessionsException(limit.max);
    handle.adoptSignIn(prepared);
    const ended = replaces === undefined ? outcome.revoked : [...outcome.revoked, replaces];
    if (ended.length > 0) await this.invalidations.publish({ ids: ended });
    this.revoked(outcome.revoked, userId, 'maxSessionsPerUser');
    this.signedIn(handle);
  }

  private signedIn(handle: SessionHandle): void {
    this.events.emit(SESSION_EVENTS.signedIn, {
      id: handle.id,
      userId: handle.userId,
      at: handle.authenticatedAt ?? new Date(),
    });
  }

  private revoked(
    ids: string[],
    userId: string | null,
    reason: 'revoke' | 'revokeAllForUser' | 'maxSessionsPerUser',
  ): void {
    const at = new Date();
    for (const id of ids) this.events.emit(SESSION_EVENTS.revoked, { id, userId, at, reason });
  }

  private handleOf(session: Session<object>): SessionHandle {
    if (session instanceof SessionHandle) return session as SessionHandle;
    throw new Error(SESSION_MESSAGES.notASession());
  }
}
