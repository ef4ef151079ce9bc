import type { Session } from '../lib/index.js';

/** The signed-in user's id, on routes where `AuthGuard` has already turned anonymous ones away. */
export function signedInUser(session: Session<object>): string {
  if (session.userId === null) throw new Error('AuthGuard must guard this route.');
  return session.userId;
}
