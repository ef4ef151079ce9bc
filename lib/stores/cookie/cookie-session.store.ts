import { SESSION_MESSAGES } from '../../session.messages.js';
import { SealedSessionStore } from '../sealed-session.store.js';
import type { SessionRecord } from '../session-record.interface.js';
import {
  COOKIE_STORE_MAX_VALUE_BYTES,
  COOKIE_STORE_MIN_SECRET_LENGTH,
} from './cookie-session.constants.js';
import { SealedCookieCodec } from './sealed-cookie.codec.js';
import { deserializeRecord, serializeRecord } from './sealed-record.serializer.js';

/** @publicApi */
export interface CookieSessionStoreOptions {
  /**
   * Encrypts the sessions: a string of at least 32 characters, or an array of them,
   * newest first. The first seals; every one opens, and a session opened under an older
   * secret is sealed under the first at its next write (change or touch). Keep an old
   * secret in the list for `idleTimeout` after rotating, or its sessions end early.
   */
  secret: string | string[];
}

/**
 * Stateless sessions: the whole session (id, user, data, timestamps, user agent, IP)
 * travels in the cookie, encrypted and authenticated with AES-256-GCM under a key
 * derived from `secret` (HKDF-SHA256). Nothing is kept server-side, so it needs no
 * database and scales without shared state; idle and absolute timeouts are sealed in
 * the cookie and enforced when it is opened.
 *
 * Its limits, by design:
 * - No server-side revocation: signing out clears the cookie in that browser, but a
 *   copy of the cookie taken before stays valid until it expires.
 * - `SessionService.listForUser()` and `revokeAllForUser()` throw
 *   `SessionStoreCapabilityError` ("not supported by this store").
 * - A session must fit in a cookie: sealing one larger than
 *   {@link CookieSessionStore.MAX_VALUE_BYTES} throws (the request fails with 500) rather
 *   than emit a cookie browsers drop.
 *
 * @publicApi
 */
export class CookieSessionStore extends SealedSessionStore {
  /** Most bytes of a sealed cookie value; leaves room for a cookie name of 95 characters. */
  static readonly MAX_VALUE_BYTES = COOKIE_STORE_MAX_VALUE_BYTES;

  private readonly codec: SealedCookieCodec;

  constructor(options: CookieSessionStoreOptions) {
    super();
    this.codec = new SealedCookieCodec(validSecrets(options?.secret));
  }

  /** The session sealed under the newest secret. Throws when the value would pass 4 KB. */
  seal(record: SessionRecord): string {
    const value = this.codec.seal(serializeRecord(record));
    if (value.length > COOKIE_STORE_MAX_VALUE_BYTES) {
      throw new Error(
        SESSION_MESSAGES.cookieStoreTooLarge(value.length, COOKIE_STORE_MAX_VALUE_BYTES),
      );
    }
    return value;
  }

  /**
   * The session sealed in `value`, or `null` when `value` is malformed, truncated,
   * tampered with, sealed under none of the secrets, or expired at `now`. Never throws.
   */
  open(value: string, now: Date): SessionRecord | null {
    if (typeof value !== 'string' || value.length > COOKIE_STORE_MAX_VALUE_BYTES) return null;
    const plaintext = this.codec.open(value);
    const record = plaintext && deserializeRecord(plaintext);
    if (!record || record.expiresAt.getTime() <= now.getTime()) return null;
    return record;
  }
}

function validSecrets(secret: unknown): string[] {
  const secrets = [secret].flat();
  const valid =
    secrets.length > 0 &&
    secrets.every((s) => typeof s === 'string' && s.length >= COOKIE_STORE_MIN_SECRET_LENGTH);
  if (!valid) throw new Error(SESSION_MESSAGES.cookieStoreSecret());
  return secrets as string[];
}
