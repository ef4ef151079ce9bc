import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import {
  SEAL_FORMAT_VERSION,
  SEAL_HKDF_ID_INFO,
  SEAL_HKDF_KEY_INFO,
  SEAL_HKDF_SALT,
  SEAL_IV_BYTES,
  SEAL_KEY_ID_BYTES,
  SEAL_TAG_BYTES,
} from './cookie-session.constants.js';

/** One secret as the codec uses it: an AES-256 key and the public hint naming it. */
interface SealKey {
  id: Buffer;
  key: Buffer;
}

const HEADER_BYTES = 1 + SEAL_KEY_ID_BYTES;
const MIN_SEALED_BYTES = HEADER_BYTES + SEAL_IV_BYTES + SEAL_TAG_BYTES;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Authenticated encryption of cookie values with AES-256-GCM. A sealed value is, in
 * base64url: `version (1) | key id (4) | IV (12) | ciphertext | tag (16)`, the version
 * and key id authenticated as associated data. Each secret's key and id come from
 * HKDF-SHA256 at construction; the raw secret is never a key. The first secret seals,
 * every secret opens (rotation).
 *
 * @internal
 */
export class SealedCookieCodec {
  private readonly keys: readonly SealKey[];

  constructor(secrets: readonly string[]) {
    this.keys = secrets.map(deriveKey);
  }

  /** `plaintext` sealed under the newest key, with a fresh random IV. */
  seal(plaintext: Buffer): string {
    const { id, key } = this.keys[0];
    const header = Buffer.concat([Buffer.of(SEAL_FORMAT_VERSION), id]);
    const iv = randomBytes(SEAL_IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: SEAL_TAG_BYTES });
    cipher.setAAD(header);
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([header, iv, body, cipher.getAuthTag()]).toString('base64url');
  }

  /**
   * The plaintext sealed in `value`, or `null` when `value` is not canonical base64url,
   * is too short, has another format version, or authenticates under none of the keys.
   * Never throws.
   */
  open(value: string): Buffer | null {
    const bytes = decodeCanonical(value);
    if (!bytes || bytes.length < MIN_SEALED_BYTES || bytes[0] !== SEAL_FORMAT_VERSION) return null;
    const header = bytes.subarray(0, HEADER_BYTES);
    const keyId = header.subarray(1);
    const iv = bytes.subarray(HEADER_BYTES, HEADER_BYTES + SEAL_IV_BYTES);
    const body = bytes.subarray(HEADER_BYTES + SEAL_IV_BYTES, bytes.length - SEAL_TAG_BYTES);
    const tag = bytes.subarray(bytes.length - SEAL_TAG_BYTES);
    for (const { id, key } of this.keys) {
      if (!id.equals(keyId)) continue; // ids may collide (1 in 2^32): try every match
      const plaintext = decrypt(key, header, iv, body, tag);
      if (plaintext) return plaintext;
    }
    return null;
  }
}

function deriveKey(secret: string): SealKey {
  const derive = (info: string, length: number) =>
    Buffer.from(hkdfSync('sha256', secret, SEAL_HKDF_SALT, info, length));
  return { key: derive(SEAL_HKDF_KEY_INFO, 32), id: derive(SEAL_HKDF_ID_INFO, SEAL_KEY_ID_BYTES) };
}

function decrypt(
  key: Buffer,
  header: Buffer,
  iv: Buffer,
  body: Buffer,
  tag: Buffer,
): Buffer | null {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: SEAL_TAG_BYTES });
    decipher.setAAD(header);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    return null; // the tag does not match: tampered, or sealed under another key
  }
}

/** The bytes of `value` if it is base64url exactly as `seal` writes it (one spelling per value). */
function decodeCanonical(value: string): Buffer | null {
  if (!BASE64URL.test(value)) return null;
  const bytes = Buffer.from(value, 'base64url');
  return bytes.toString('base64url') === value ? bytes : null;
}
