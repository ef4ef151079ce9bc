import { createHmac, hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { TOKEN_BYTES } from '../session.constants.js';

const BASE64URL_43 = /^[A-Za-z0-9_-]{43}$/;

/**
 * Session tokens and their signed cookie form `<token>.<hmac>`: 32 random bytes in
 * base64url, signed with HMAC-SHA256 under the newest secret and verified under any
 * of them (rotation). The store only ever sees {@link hashToken}'s output.
 */
export class SessionTokenCodec {
  private readonly keys: readonly Buffer[];

  constructor(secrets: readonly string[]) {
    this.keys = secrets.map((secret) => Buffer.from(secret, 'utf8'));
  }

  /** A fresh, unguessable token. */
  generate(): string {
    return randomBytes(TOKEN_BYTES).toString('base64url');
  }

  /** The cookie value for `token`, signed with the newest secret. */
  sign(token: string): string {
    return `${token}.${this.mac(this.keys[0], token).toString('base64url')}`;
  }

  /**
   * The token inside a cookie value, or `null` when the value is malformed or its
   * signature matches none of the secrets. Constant-time in the signature. Only the exact
   * text `sign()` produces is accepted: the last base64url character of 32 bytes carries two
   * unused bits, so comparing decoded bytes would accept altered copies of a cookie.
   */
  verify(value: string | undefined): string | null {
    if (value === undefined || value.length !== 87 || value[43] !== '.') return null;
    const token = value.slice(0, 43);
    const signature = value.slice(44);
    if (!BASE64URL_43.test(token) || !BASE64URL_43.test(signature)) return null;
    const given = Buffer.from(signature, 'latin1');
    let valid = false;
    for (const key of this.keys) {
      const expected = Buffer.from(this.mac(key, token).toString('base64url'), 'latin1');
      valid = timingSafeEqual(given, expected) || valid;
    }
    return valid ? token : null;
  }

  /** `createHmac`: Node 20 has no one-shot HMAC. */
  private mac(key: Buffer, token: string): Buffer {
    return createHmac('sha256', key).update(token).digest();
  }
}

/** SHA-256 of a token, base64url: the session's public id and the store's key. One-shot `hash`. */
export function hashToken(token: string): string {
  return hash('sha256', token, 'base64url');
}
