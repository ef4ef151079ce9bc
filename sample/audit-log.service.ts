import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { SESSION_EVENTS } from '../lib/index.js';
import type { SessionEvent, SessionEventName } from '../lib/index.js';

/** One line of a user's security log: a session event, as the library reported it. */
export interface AuditEntry extends SessionEvent {
  event: SessionEventName;
}

/** Entries kept per user, newest first; older ones are dropped. */
export const AUDIT_ENTRIES_PER_USER = 20;

/**
 * The last session events of each user, heard through `@nestjs/event-emitter`
 * (`EventEmitterModule.forRoot()` in `app.module.ts`, `@OnEvent` here): sign-ins, sign-outs,
 * revocations (with the reason) and expiries. Kept in memory, bounded per user: a real app
 * would write them to its database.
 */
@Injectable()
export class AuditLog {
  private readonly entries = new Map<string, AuditEntry[]>();

  /** The user's last events, newest first. */
  recentFor(userId: string): readonly AuditEntry[] {
    return this.entries.get(userId) ?? [];
  }

  @OnEvent(SESSION_EVENTS.signedIn)
  signedIn(event: SessionEvent): void {
    this.record(SESSION_EVENTS.signedIn, event);
  }

  @OnEvent(SESSION_EVENTS.signedOut)
  signedOut(event: SessionEvent): void {
    this.record(SESSION_EVENTS.signedOut, event);
  }

  @OnEvent(SESSION_EVENTS.revoked)
  revoked(event: SessionEvent): void {
    this.record(SESSION_EVENTS.revoked, event);
  }

  @OnEvent(SESSION_EVENTS.expired)
  expired(event: SessionEvent): void {
    this.record(SESSION_EVENTS.expired, event);
  }

  private record(name: SessionEventName, event: SessionEvent): void {
    if (event.userId === null) return; // an anonymous session expired: nobody's log
    const list = [{ ...event, event: name }, ...this.recentFor(event.userId)];
    this.entries.set(event.userId, list.slice(0, AUDIT_ENTRIES_PER_USER));
  }
}
