import { VERIFIED_COOKIE_MEMO_MAX_ENTRIES } from '../session.constants.js';
import { SessionInvalidationPublisher } from '../stores/session-invalidation.publisher.js';
import type { SessionPatch, SessionRecord } from '../stores/session-record.interface.js';
import type { SessionStoreGate } from '../stores/session-store.gate.js';
import type { SessionStore } from '../stores/session.store.js';
import { SessionCookieStrategy } from './session-cookie.strategy.js';
import type { CookieSession } from './session-cookie.strategy.js';
import { hashToken } from './session-token.codec.js';
import type { SessionTokenCodec } from './session-token.codec.js';
import { VerifiedCookieMemo } from './verified-cookie.memo.js';

/**
 * The cookie is `<token>.<hmac>`; the store keeps the session under the token's SHA-256.
 * A value whose signature fails costs no store call; one that verified is remembered
 * ({@link VerifiedCookieMemo}) until its session is gone. A session the read cache holds is read
 * in place; every store call goes through the gate (bounded by `storeTimeout`, a fault answered
 * 503). A session it ends is published to every
 * instance sharing the store (their caches and sockets drop it).
 *
 * @internal
 */
export class SignedTokenCookie extends SessionCookieStrategy {
  private readonly invalidations: SessionInvalidationPublisher;
  private readonly verified: VerifiedCookieMemo;

  constructor(
    private readonly codec: SessionTokenCodec,
    private readonly store: SessionStore,
    private readonly gate: SessionStoreGate,
  ) {
    super();
    this.invalidations = new SessionInvalidationPublisher(store, gate);
    this.verified = new VerifiedCookieMemo((value) => {
      const token = codec.verify(value);
      return token === null ? null : { token, id: hashToken(token) };
    }, VERIFIED_COOKIE_MEMO_MAX_ENTRIES);
  }

  async read(values: readonly string[], now: Date): Promise<CookieSession | null> {
    const cookie = firstOf(values, (value) => this.verified.read(value));
    if (cookie === null) return null;
    const record =
      this.store.peek(cookie.id, now) ??
      (await this.gate.run('read a session', () => this.store.find(cookie.id, now)));
    if (record === null) this.verified.forget(cookie.value);
    return record && { token: cookie.token, record };
  }

  newToken(): string {
    return this.codec.generate();
  }

  create(record: SessionRecord): Promise<void> {
    return this.gate.run('create a session', () => this.store.create(record));
  }

  patch(id: string, patch: SessionPatch): Promise<boolean> {
    return this.gate.run('save a session', () => this.store.patch(id, patch));
  }

  async delete(id: string): Promise<void> {
    await this.gate.run('delete a session', () => this.store.delete(id));
    await this.invalidations.publish({ ids: [id] });
  }

  cookieValue(token: string): string {
    return this.codec.sign(token);
  }
}

/** The first non-null result of `read` over `values` (in header order), or `null`. */
export function firstOf<T>(values: readonly string[], read: (value: string) => T | null): T | null {
  for (const value of values) {
    const result = read(value);
    if (result !== null) return result;
  }
  return null;
}
