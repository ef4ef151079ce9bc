import type { SessionPatch, SessionRecord } from '../stores/session-record.interface.js';

/** A session a cookie stands for: its token (if the cookie carries one) and its record. */
export interface CookieSession {
  token: string;
  /** Read-only: it may be the read cache's own record, shared with other requests. */
  record: SessionRecord;
}

/**
 * How the session cookie relates to the store, chosen once when the module is built: a
 * signed token looked up in a server-side store ({@link SignedTokenCookie}), or the whole
 * record sealed in the cookie ({@link SealedRecordCookie}). The loader and the committer go
 * through it, and never ask which store they have.
 *
 * @internal
 */
export abstract class SessionCookieStrategy {
  /** The session of the first cookie value that authenticates, or `null` (no store call then). */
  abstract read(values: readonly string[], now: Date): Promise<CookieSession | null>;

  /** A fresh token for a new or regenerated session. */
  abstract newToken(): string;

  /** Keeps a new session. */
  abstract create(record: SessionRecord): Promise<void>;

  /** Keeps what changed; `false` when the session is no longer there (never resurrected). */
  abstract patch(id: string, patch: SessionPatch): Promise<boolean>;

  /** Ends a session now (regenerate, destroy). */
  abstract delete(id: string): Promise<void>;

  /** The cookie value for a session just kept (`record` is what was kept). */
  abstract cookieValue(token: string, record: SessionRecord): string;
}
