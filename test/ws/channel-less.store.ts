import { MemorySessionStore, SessionStoreCapabilityError } from '../../lib/index.js';
import type { SessionInvalidation } from '../../lib/index.js';

/** A store without an invalidation channel, as TypeORM on MariaDB or SQLite is. */
export class ChannelLessStore extends MemorySessionStore {
  override publishInvalidation(event: SessionInvalidation): Promise<void> {
    void event;
    return Promise.reject(new SessionStoreCapabilityError(this, 'publishInvalidation'));
  }
  override subscribeInvalidations(): Promise<() => Promise<void>> {
    return Promise.reject(new SessionStoreCapabilityError(this, 'subscribeInvalidations'));
  }
}
