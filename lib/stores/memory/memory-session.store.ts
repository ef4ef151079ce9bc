import { Logger } from '@nestjs/common';
import { SESSION_MESSAGES } from '../../session.messages.js';
import type {
  DeletedSession,
  SessionData,
  SessionInvalidation,
  SessionInvalidationListener,
  SessionLimit,
  SessionLimitOutcome,
  SessionPatch,
  SessionRecord,
} from '../session-record.interface.js';
import { idsToDelete, REFUSED, sessionsToRevoke } from '../session-limit.util.js';
import { applySessionPatch } from '../session-patch.util.js';
import { SessionStore } from '../session.store.js';

/** Whether this process has warned that a memory store runs in production (once per process). */
let warnedInProduction = false;

/** @publicApi */
export interface MemorySessionStoreOptions {
  /**
   * Most sessions kept. Past it the least recently used anonymous session is dropped; a
   * signed-in one only when signed-in sessions alone exceed it (logged once). @default 10000
   */
  maxEntries?: number;
}

/**
 * Sessions in this process's memory: for tests, prototypes and single-instance
 * apps. Bounded (least recently used anonymous sessions dropped first, so anonymous traffic
 * never signs anyone out), expired entries are dropped on
 * read and by the sweep, and stored values are copies, never shared references.
 * Sessions do not survive a restart and are not shared between instances: constructed
 * with `NODE_ENV=production`, it logs a warning (once per process).
 *
 * @publicApi
 */
export class MemorySessionStore extends SessionStore {
  /** Sessions without a user, least recently used first (a Map keeps insertion order). */
  private readonly anonymous = new Map<string, SessionRecord>();
  /** Signed-in sessions, least recently used first. */
  private readonly signedIn = new Map<string, SessionRecord>();
  private warnedFull = false;
  private readonly byUser = new Map<string, Set<string>>();
  private readonly maxEntries: number;
  private readonly listeners = new Set<SessionInvalidationListener>();

  constructor(options: MemorySessionStoreOptions = {}) {
    super();
    this.maxEntries = options.maxEntries ?? 10_000;
    warnIfProduction();
  }

  /** Sessions currently held, expired ones not yet dropped included. */
  get size(): number {
    return this.anonymous.size + this.signedIn.size;
  }

  find(id: string, now: Date): Promise<SessionRecord | null> {
    const record = this.live(id, now);
    if (!record) return Promise.resolve(null);
    this.remove(id); // re-insert: Map order is the LRU order
    this.put(record);
    return Promise.resolve(structuredClone(record));
  }

  create(record: SessionRecord): Promise<void> {
    this.remove(record.id);
    this.put({ ...record, data: asJson(record.data) });
    while (this.size > this.maxEntries) this.evictOne();
    return Promise.resolve();
  }

  patch(id: string, patch: SessionPatch): Promise<boolean> {
    const record = this.live(id, new Date());
    if (!record) return Promise.resolve(false);
    this.remove(id);
    this.put(applySessionPatch(record, patch, asJson(patch.set ?? {})));
    return Promise.resolve(true);
  }

  delete(id: string): Promise<void> {
    this.remove(id);
    return Promise.resolve();
  }

  override findByUser(userId: string, now: Date): Promise<SessionRecord[]> {
    return Promise.resolve(structuredClone(this.liveOfUser(userId, now)));
  }

  override deleteByUser(
    userId: string,
    exceptId?: string,
    report?: (ids: string[]) => void,
  ): Promise<number> {
    const ids = this.liveOfUser(userId, new Date())
      .map(({ id }) => id)
      .filter((id) => id !== exceptId);
    for (const id of this.byUser.get(userId) ?? []) if (id !== exceptId) this.remove(id);
    report?.(ids);
    return Promise.resolve(ids.length);
  }

  /** Synchronous, so atomic: nothing runs between the count and the writes. */
  override createWithinLimit(
    record: SessionRecord,
    limit: SessionLimit,
    now: Date,
    replaces?: string,
  ): Promise<SessionLimitOutcome> {
    const revoked = sessionsToRevoke(this.liveOfUser(record.userId!, now), limit, replaces);
    if (revoked === null) return Promise.resolve(REFUSED);
    idsToDelete(revoked, replaces).forEach((id) => this.remove(id));
    void this.create(record);
    return Promise.resolve({ created: true, revoked });
  }

  /** Delivered in process, to every app sharing this store object. */
  override publishInvalidation(event: SessionInvalidation): Promise<void> {
    for (const listener of this.listeners) listener.invalidate(structuredClone(event));
    return Promise.resolve();
  }

  override subscribeInvalidations(
    listener: SessionInvalidationListener,
  ): Promise<() => Promise<void>> {
    this.listeners.add(listener);
    listener.connected(true);
    return Promise.resolve(() => {
      this.listeners.delete(listener);
      return Promise.resolve();
    });
  }

  override deleteExpired(
    now: Date,
    limit: number,
    report?: (sessions: DeletedSession[]) => void,
  ): Promise<number> {
    const deleted: DeletedSession[] = [];
    for (const [id, record] of [...this.anonymous, ...this.signedIn]) {
      if (deleted.length === limit) break;
      if (record.expiresAt <= now) {
        this.remove(id);
        deleted.push({ id, userId: record.userId });
      }
    }
    report?.(deleted);
    return Promise.resolve(deleted.length);
  }

  /** The user's live sessions, oldest first (expired ones met on the way are dropped). */
  private liveOfUser(userId: string, now: Date): SessionRecord[] {
    const ids = [...(this.byUser.get(userId) ?? [])];
    const records = ids.flatMap((id) => this.live(id, now) ?? []);
    return records.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  /** The least recently used anonymous session; a signed-in one only when none is left. */
  private evictOne(): void {
    const anonymous = this.anonymous.keys().next();
    if (!anonymous.done) {
      this.remove(anonymous.value);
      return;
    }
    if (!this.warnedFull) {
      this.warnedFull = true;
      new Logger('MemorySessionStore').warn(SESSION_MESSAGES.memoryStoreFull(this.maxEntries));
    }
    this.remove(this.signedIn.keys().next().value as string);
  }

  private live(id: string, now: Date): SessionRecord | undefined {
    const record = this.anonymous.get(id) ?? this.signedIn.get(id);
    if (record && record.expiresAt <= now) {
      this.remove(id);
      return undefined;
    }
    return record;
  }

  private put(record: SessionRecord): void {
    (record.userId === null ? this.anonymous : this.signedIn).set(record.id, record);
    if (record.userId !== null) {
      const ids = this.byUser.get(record.userId) ?? new Set<string>();
      this.byUser.set(record.userId, ids.add(record.id));
    }
  }

  private remove(id: string): void {
    const record = this.anonymous.get(id) ?? this.signedIn.get(id);
    if (!record) return;
    this.anonymous.delete(id);
    this.signedIn.delete(id);
    if (record.userId === null) return;
    const ids = this.byUser.get(record.userId);
    ids?.delete(id);
    if (ids?.size === 0) this.byUser.delete(record.userId);
  }
}

function warnIfProduction(): void {
  if (warnedInProduction || process.env.NODE_ENV !== 'production') return;
  warnedInProduction = true;
  new Logger('MemorySessionStore').warn(SESSION_MESSAGES.memoryStoreInProduction());
}

/** A copy that went through JSON, as in every other store: what comes back is what a database keeps. */
function asJson(data: SessionData): SessionData {
  return JSON.parse(JSON.stringify(data)) as SessionData;
}
