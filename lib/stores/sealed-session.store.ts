import type { SessionPatch, SessionRecord } from './session-record.interface.js';
import { SessionStore, SessionStoreCapabilityError } from './session.store.js';

/**
 * A stateless store: the whole session travels in the cookie, sealed (encrypted and
 * authenticated), and nothing is kept server-side. The library calls {@link seal} to
 * build the cookie value after every write and {@link open} to read it, instead of
 * looking a token up, so the server-side methods are never called for a request. They
 * reject with `SessionStoreCapabilityError`: nothing is held server-side, so a copied cookie
 * stays valid until it expires, and sessions cannot be listed or revoked.
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
    return Promise.reject(new SessionStoreCapabilityError(this, 'find'));
  }

  create(record: SessionRecord): Promise<void> {
    void record;
    return Promise.reject(new SessionStoreCapabilityError(this, 'create'));
  }

  patch(id: string, patch: SessionPatch): Promise<boolean> {
    void id;
    void patch;
    return Promise.reject(new SessionStoreCapabilityError(this, 'patch'));
  }

  /** Nothing to reach: the sessions are in the cookies. */
  override ping(): Promise<void> {
    return Promise.resolve();
  }

  /** What `SessionService.revoke(id)` asks: a session held only in a cookie cannot be ended. */
  delete(id: string): Promise<void> {
    void id;
    return Promise.reject(new SessionStoreCapabilityError(this, 'revoke'));
  }
}
