import type { SessionLimit, SessionLimitOutcome } from './session-record.interface.js';

/**
 * Which of a user's live sessions (oldest first) must go for one more to fit under `limit`:
 * `[]` when it fits, `null` when `limit` refuses it. The stores' `createWithinLimit` share it,
 * each deciding under its own lock.
 */
export function sessionsToRevoke(
  live: readonly { id: string }[],
  limit: SessionLimit,
): string[] | null {
  const excess = live.length + 1 - limit.max;
  if (excess <= 0) return [];
  if (limit.whenExceeded === 'refuse') return null;
  return live.slice(0, excess).map((session) => session.id);
}

/** The outcome of a `createWithinLimit` that `limit` refused: nothing written. */
export const REFUSED: SessionLimitOutcome = Object.freeze({ created: false, revoked: [] });
