/**
 * Session data as stored: a flat object whose keys are patched one by one.
 *
 * @publicApi
 */
export type SessionData = Record<string, unknown>;

/**
 * One stored session, as every {@link SessionStore} reads and writes it.
 *
 * @publicApi
 */
export interface SessionRecord {
  /** SHA-256 of the cookie's token (base64url). Public handle and primary key; never the token. */
  id: string;
  userId: string | null;
  data: SessionData;
  createdAt: Date;
  lastSeenAt: Date;
  /** `min(lastSeenAt + idleTimeout, createdAt + absoluteTimeout)`, computed by the caller. */
  expiresAt: Date;
  authenticatedAt: Date | null;
  userAgent: string | null;
  ip: string | null;
}

/**
 * A change to one stored session. Keys not named are left as they are, so two
 * concurrent patches of different keys both survive.
 *
 * @publicApi
 */
export interface SessionPatch {
  /** Data keys to write, each replacing that key's whole value. */
  set?: SessionData;
  /** Data keys to remove. */
  unset?: string[];
  /** When present, rebinds the session's user (`null` signs out). */
  userId?: string | null;
  authenticatedAt?: Date | null;
  lastSeenAt: Date;
  expiresAt: Date;
}

/** What `SessionService.listForUser()` returns for each live session. @publicApi */
export interface SessionSummary {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  userAgent: string | null;
  ip: string | null;
}

/**
 * Sessions that ended on some instance: by id, or every session of `userId` but
 * `except`. Published to every instance so their read caches drop them.
 *
 * @publicApi
 */
export type SessionInvalidation = { ids: string[] } | { userId: string; except?: string };

/** @publicApi */
export interface SessionInvalidationListener {
  invalidate(event: SessionInvalidation): void;
  /** `false` when messages may have been missed (then all cached sessions must go). */
  connected(up: boolean): void;
}

/**
 * The most live sessions one user may hold (`maxSessionsPerUser`), and what a sign-in past it
 * does: revoke the user's oldest sessions, or be refused.
 *
 * @publicApi
 */
export interface SessionLimit {
  /** A whole number from 1. */
  max: number;
  whenExceeded: 'revoke-oldest' | 'refuse';
}

/** What `SessionStore.createWithinLimit` did. @publicApi */
export interface SessionLimitOutcome {
  /** `false` when the limit refused the new session (nothing was written). */
  created: boolean;
  /** The sessions of the user deleted to make room, oldest first. */
  revoked: string[];
}

/** A session a store deleted, as it reports it (`deleteByUser`, `deleteExpired`). @publicApi */
export interface DeletedSession {
  id: string;
  userId: string | null;
}
