import { Inject, Injectable } from '@nestjs/common';
import type { ResolvedSessionOptions } from '../options/session-options.interface.js';
import { RESOLVED_SESSION_OPTIONS } from '../session.constants.js';

/**
 * When a session ends: `min(lastSeenAt + idleTimeout, createdAt + absoluteTimeout)`, with the
 * timeouts configured now (whatever a store computed when it wrote the row).
 */
@Injectable()
export class SessionExpiryPolicy {
  constructor(@Inject(RESOLVED_SESSION_OPTIONS) private readonly options: ResolvedSessionOptions) {}

  expiryOf(createdAt: Date, lastSeenAt: Date): Date {
    const idle = lastSeenAt.getTime() + this.options.idleTimeout;
    const absolute = createdAt.getTime() + this.options.absoluteTimeout;
    return new Date(Math.min(idle, absolute));
  }

  /** Whether a session with these timestamps is dead at `now`. */
  isExpired(record: { createdAt: Date; lastSeenAt: Date }, now: Date): boolean {
    return this.expiryOf(record.createdAt, record.lastSeenAt) <= now;
  }
}
