/**
 * The names of the events the library emits through `@nestjs/event-emitter` (when it is
 * installed and `EventEmitterModule` imported), each with a {@link SessionEvent} payload:
 * `@OnEvent(SESSION_EVENTS.signedIn)`.
 *
 * @publicApi
 */
export const SESSION_EVENTS = Object.freeze({
  /** `SessionService.signIn()`, once the signed-in session is stored. */
  signedIn: 'session.signedIn',
  /** `SessionService.signOut()`. */
  signedOut: 'session.signedOut',
  /** `revoke()`, `revokeAllForUser()` or `maxSessionsPerUser` ended a live session (`reason` says which). */
  revoked: 'session.revoked',
  /** The sweep deleted an expired session (stores that expire sessions by themselves, Redis, have none). */
  expired: 'session.expired',
} as const);

/** One of {@link SESSION_EVENTS}. @publicApi */
export type SessionEventName = (typeof SESSION_EVENTS)[keyof typeof SESSION_EVENTS];

/** Why a session was revoked. @publicApi */
export type SessionRevokeReason = 'revoke' | 'revokeAllForUser' | 'maxSessionsPerUser';

/**
 * The payload of every session event.
 *
 * @publicApi
 */
export interface SessionEvent {
  /** The session's public id (`session.id`, the `id` of `listForUser()`). */
  readonly id: string;
  /** Its user; `null` for an anonymous session (only `session.expired` has those). */
  readonly userId: string | null;
  /** When it happened. */
  readonly at: Date;
  /** `session.revoked` only: which call ended it. */
  readonly reason?: SessionRevokeReason;
}
