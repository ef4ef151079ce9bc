/**
 * Most bytes a sealed cookie value may take. Browsers keep a cookie only while its
 * `name=value` fits in 4096 bytes; 4000 leaves room for a cookie name of up to 95
 * characters. `CookieSessionStore.seal()` throws rather than emit a longer value.
 */
export const COOKIE_STORE_MAX_VALUE_BYTES = 4000;

/** Fewest characters a `CookieSessionStore` secret may have (the same rule as `SessionModule`). */
export const COOKIE_STORE_MIN_SECRET_LENGTH = 32;

/** First byte of every sealed value: the format below. A new format gets a new version. */
export const SEAL_FORMAT_VERSION = 1;

/** Bytes of the key id hint after the version: which secret sealed the value. */
export const SEAL_KEY_ID_BYTES = 4;

/** Bytes of the random AES-GCM nonce, fresh for every seal. */
export const SEAL_IV_BYTES = 12;

/** Bytes of the AES-GCM authentication tag at the end. */
export const SEAL_TAG_BYTES = 16;

/** HKDF salt and labels: keys derived here never equal the secret or the cookie-signing key. */
export const SEAL_HKDF_SALT = 'nestjs-sessions/cookie-session-store';
export const SEAL_HKDF_KEY_INFO = 'aes-256-gcm key v1';
export const SEAL_HKDF_ID_INFO = 'key id v1';
