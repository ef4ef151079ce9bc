import { MemorySessionStore } from '../../lib/stores/memory/memory-session.store.js';
import type { SessionPatch, SessionRecord } from '../../lib/stores/session-record.interface.js';

/** One call a {@link RecordingSessionStore} received. */
export interface StoreCall {
  method: 'find' | 'create' | 'patch' | 'delete';
  id: string;
}

/** A real `MemorySessionStore` that records each call of the required methods. */
export class RecordingSessionStore extends MemorySessionStore {
  readonly calls: StoreCall[] = [];

  override find(id: string, now: Date): Promise<SessionRecord | null> {
    this.calls.push({ method: 'find', id });
    return super.find(id, now);
  }

  override create(record: SessionRecord): Promise<void> {
    this.calls.push({ method: 'create', id: record.id });
    return super.create(record);
  }

  override patch(id: string, patch: SessionPatch): Promise<boolean> {
    this.calls.push({ method: 'patch', id });
    return super.patch(id, patch);
  }

  override delete(id: string): Promise<void> {
    this.calls.push({ method: 'delete', id });
    return super.delete(id);
  }

  reset(): void {
    this.calls.splice(0);
  }
}
