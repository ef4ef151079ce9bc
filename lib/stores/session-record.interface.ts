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
