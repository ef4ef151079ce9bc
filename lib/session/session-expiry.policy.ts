import { Inject, Injectable } from '@nestjs/common';
import type { ResolvedSessionOptions } from '../options/session-options.interface.js';
import { REMEMBER_ME_KEY, RESOLVED_SESSION_OPTIONS } from '../session.constants.js';
import type { SessionData } from '../stores/session-record.interface.js';

/** What a session's expiry depends on. */
export interface ExpiryInputs {
  createdAt: Date;
  lastSeenAt: Date;
  data: Readonly<SessionData>;
}

/**
 * Whether a session was signed in with `{ rememberMe: true }` (see {@link REMEMBER_ME_KEY}).
 * Stored data that is not an object (a broken row, discarded by the loader) is not.
 */
export function isRemembered(data: Readonly<SessionData> | null): boolean {
  return typeof data === 'object' && data !== null && data[REMEMBER_ME_KEY] === true;
}

/**
 * When a session ends: `min(lastSeenAt + idleTimeout, createdAt + absoluteTimeout)`, with the
 * timeouts configured now (whatever a store computed when it wrote the row): `rememberMe`'s for
 * a session signed in with it, while that option is set, else the module's.
 */
@Injectable()
export class SessionExpiryPolicy {
  constructor(@Inject(RESOLVED_SESSION_OPTIONS) private readonly options: ResolvedSessionOptions) {}

  expiryOf({ createdAt, lastSeenAt, data }: ExpiryInputs): Date {
    const timeouts = (isRemembered(data) && this.options.rememberMe) || this.options;
    const idle = lastSeenAt.getTime() + timeouts.idleTimeout;
    const absolute = createdAt.getTime() + timeouts.absoluteTimeout;
    return new Date(Math.min(idle, absolute));
  }

  /** Whether a session with these timestamps is dead at `now`. */
  isExpired(record: ExpiryInputs, now: Date): boolean {
    return this.expiryOf(record) <= now;
  }
}
