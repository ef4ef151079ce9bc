import type { SealedSessionStore } from '../stores/sealed-session.store.js';
import type { SessionRecord } from '../stores/session-record.interface.js';
import { SessionCookieStrategy } from './session-cookie.strategy.js';
import type { CookieSession } from './session-cookie.strategy.js';
import type { SessionTokenCodec } from './session-token.codec.js';
import { firstOf } from './signed-token.cookie.js';

/**
 * The cookie is the record, sealed by a {@link SealedSessionStore}: opened in place to read,
 * sealed again after every write. Nothing is kept server-side, so keeping and ending a
 * session are no-ops here (the cookie is replaced or cleared by the committer).
 *
 * @internal
 */
export class SealedRecordCookie extends SessionCookieStrategy {
  constructor(
    private readonly store: SealedSessionStore,
    private readonly codec: SessionTokenCodec,
  ) {
    super();
  }

  read(values: readonly string[], now: Date): Promise<CookieSession | null> {
    const record = firstOf(values, (value) => this.store.open(value, now));
    return Promise.resolve(record && { token: '', record }); // re-sealed on write, not signed
  }

  /** Only the session's id derives from it; the cookie carries the sealed record instead. */
  newToken(): string {
    return this.codec.generate();
  }

  create(): Promise<void> {
    return Promise.resolve();
  }

  patch(): Promise<boolean> {
    return Promise.resolve(true);
  }

  delete(): Promise<void> {
    return Promise.resolve();
  }

  cookieValue(_token: string, record: SessionRecord): string {
    return this.store.seal(record);
  }
}
