import type { SessionLimit, SessionLimitOutcome } from './session-record.interface.js';

/**
 * Which of a user's live sessions (oldest first) must go for one more to fit under `limit`:
 * `[]` when it fits, `null` when `limit` refuses it. The stores' `createWithinLimit` share it,
 * each deciding under its own lock.
 */
export function sessionsToRevoke(
  live: readonly { id: string }[],
  limit: SessionLimit,
  replaces?: string,
): string[] | null {
  const others = live.filter(({ id }) => id !== replaces);
  const excess = others.length + 1 - limit.max;
  if (excess <= 0) return [];
  if (limit.whenExceeded === 'refuse') return null;
  return others.slice(0, excess).map((session) => session.id);
}

/** What a `createWithinLimit` that `limit` admitted deletes: the revoked, and the replaced. */
export function idsToDelete(revoked: readonly string[], replaces?: string): string[] {
  return replaces === undefined ? [...revoked] : [...revoked, replaces];
}

/** The outcome of a `createWithinLimit` that `limit` refused: nothing written. */
export const REFUSED: SessionLimitOutcome = Object.freeze({ created: false, revoked: [] });
