import type { SessionModuleOptions } from '../lib/index.js';

/**
 * The sample's account policies, in one place: `app.module.ts` configures `SessionModule` with
 * them, and the pages describe them in the words of {@link POLICY_WORDS}, written next to them.
 */
export const SESSION_POLICIES = {
  /** A plain session: 30 minutes unused, 7 days at most. */
  idleTimeout: '30m',
  absoluteTimeout: '7d',
  /** "Keep me signed in": 30 days unused, 90 days at most. */
  rememberMe: { idleTimeout: '30d', absoluteTimeout: '90d' },
  /** Module-wide, so for every user: a sign-in on a 4th device signs out the oldest. */
  maxSessionsPerUser: { max: 3, whenExceeded: 'revoke-oldest' },
} as const satisfies Partial<SessionModuleOptions>;

/** How recent a sign-in (or password confirmation) the Security page asks for. */
export const FRESH_AUTH = '5m';

/** The policies above as the pages put them. */
export const POLICY_WORDS = {
  session: '30 minutes unused, 7 days at most',
  rememberMe: '30 days unused, 90 days at most',
  devices: 'at most 3 devices; signing in on a 4th signs out the oldest',
  /** Why the oldest session was signed out (`maxSessionsPerUser`). */
  tooManyDevices: 'a 4th device signed in (at most 3)',
  freshAuth: '5 minutes',
} as const;
