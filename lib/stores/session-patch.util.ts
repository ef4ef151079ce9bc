import type { SessionData, SessionPatch, SessionRecord } from './session-record.interface.js';

/**
 * `record` with `patch` applied, as a store applies it: each `set` key replaced, each
 * `unset` key removed, the rest kept; user and sign-in time only when the patch names them.
 * `set` values are taken as given: pass a copy when the caller may still mutate them.
 */
export function applySessionPatch(
  record: SessionRecord,
  patch: SessionPatch,
  set: SessionData = patch.set ?? {},
): SessionRecord {
  const data = { ...record.data, ...set };
  for (const key of patch.unset ?? []) delete data[key];
  return {
    ...record,
    data,
    userId: patch.userId === undefined ? record.userId : patch.userId,
    authenticatedAt:
      patch.authenticatedAt === undefined ? record.authenticatedAt : patch.authenticatedAt,
    lastSeenAt: patch.lastSeenAt,
    expiresAt: patch.expiresAt,
  };
}
