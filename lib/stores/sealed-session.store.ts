import type { SessionPatch, SessionRecord } from './session-record.interface.js';
import { SessionStore } from './session.store.js';

/**
 * A stateless store: the whole session travels in the cookie, sealed (encrypted and
 * authenticated), and nothing is kept server-side. The library calls {@link seal} to
 * build the cookie value after every write and {@link open} to read it, instead of
 * looking a token up. The server-side methods have nothing to act on: `find` finds
 * nothing, `create`/`patch` keep nothing (the cookie is the record), `delete` is a no-op —
 * so a copied cookie stays valid until it expires, and sessions cannot be listed or
 * revoked (the optional methods throw `SessionStoreCapabilityError`).
 *
 * @publicApi
 */
export abstract class SealedSessionStore extends SessionStore {
  /** The cookie value carrying `record`. Throws when it cannot (e.g. too large for a cookie). */
  abstract seal(record: SessionRecord): string;

  /**
   * The record inside a cookie value, or `null` when the value is malformed, does not
   * authenticate under any key, or has expired at `now`. Never throws for bad input.
   */
  abstract open(value: string, now: Date): SessionRecord | null;

  find(id: string, now: Date): Promise<SessionRecord | null> {
    void id;
    void now;
    return Promise.resolve(null);
  }

  create(record: SessionRecord): Promise<void> {
    void record;
    return Promise.resolve();
  }

  patch(id: string, patch: SessionPatch): Promise<boolean> {
    void id;
    void patch;
    return Promise.resolve(true);
  }

  delete(id: string): Promise<void> {
    void id;
    return Promise.resolve();
  }
}
