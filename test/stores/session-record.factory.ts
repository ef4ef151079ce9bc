import { createHash, randomBytes } from 'node:crypto';
import type { SessionRecord } from '../../lib/stores/session-record.interface.js';

const HOUR = 3_600_000;

/** A fresh session id as stores see them: the base64url SHA-256 of a random token. */
export function sessionId(): string {
  return createHash('sha256').update(randomBytes(32)).digest('base64url');
}

/**
 * A live session (created a minute ago, expiring in an hour of wall-clock time, so that
 * `patch`, which checks liveness against the clock, accepts it), with `overrides` applied.
 */
export function sessionRecord(overrides: Partial<SessionRecord> = {}): SessionRecord {
  const now = Date.now();
  return {
    id: sessionId(),
    userId: null,
    data: {},
    createdAt: new Date(now - 60_000),
    lastSeenAt: new Date(now - 60_000),
    expiresAt: new Date(now + HOUR),
    authenticatedAt: null,
    userAgent: null,
    ip: null,
    ...overrides,
  };
}

/** `ms` after (or, negative, before) `date`. */
export function later(date: Date, ms: number): Date {
  return new Date(date.getTime() + ms);
}
