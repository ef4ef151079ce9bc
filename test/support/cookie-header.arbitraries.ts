import { createHmac } from 'node:crypto';
import { parse } from 'cookie';
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';

/** The cookie value `<token>.<signature>`, signed here independently of the library's codec. */
export function signedValue(secret: string, token: string): string {
  return `${token}.${createHmac('sha256', secret).update(token).digest('base64url')}`;
}

/**
 * Whether any `name` cookie of `header` carries a genuine signature under `secret`: exactly
 * what `signedValue()` makes for its token (the oracle of the fuzz properties; the session
 * uses the first such cookie, so a planted one before it cannot sign the user out). Each
 * `name=value` pair is read as `cookie.parse()` reads the first one, by this file's own split.
 */
export function carriesGenuineCookie(header: string, secret: string, name = 'sid'): boolean {
  return header.split(';').some((pair) => {
    const equals = pair.indexOf('=');
    if (equals === -1 || pair.slice(0, equals).trim() !== name) return false;
    const value = parse(`${name}=${pair.slice(equals + 1)}`)[name];
    const match = value === undefined ? null : /^([\w-]{43})\.[\w-]{43}$/.exec(value);
    return match !== null && value === signedValue(secret, match[1]);
  });
}

const BASE64URL = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'];

/** `bytes` random bytes in base64url (32 bytes: the shape of a real token or signature). */
export const base64url = (min: number, max = min): Arbitrary<string> =>
  fc
    .uint8Array({ minLength: min, maxLength: max })
    .map((b) => Buffer.from(b).toString('base64url'));

export const token = base64url(32);

/** Puts a `sid` value into a header: alone, quoted, among other cookies, twice, spaced out. */
export function inHeader(value: Arbitrary<string>, name = 'sid'): Arbitrary<string> {
  const shape = fc.constantFrom(
    'plain',
    'quoted',
    'among',
    'first-of-two',
    'second-of-two',
    'spaced',
  );
  return fc.tuple(value, shape, fc.string({ maxLength: 20 })).map(([v, form, other]) => {
    switch (form) {
      case 'quoted':
        return `${name}="${v}"`;
      case 'among':
        return `theme=dark; ${name}=${v}; lang=${other}`;
      case 'first-of-two':
        return `${name}=${v}; ${name}=${other}`;
      case 'second-of-two':
        return `${name}=${other}; ${name}=${v}`;
      case 'spaced':
        return ` ${name} =  ${v} ;`;
      default:
        return `${name}=${v}`;
    }
  });
}

/** One character of `value` replaced (or removed, or one added) at a random place. */
export function tampered(value: Arbitrary<string>): Arbitrary<string> {
  const edit = fc.record({
    at: fc.nat(),
    char: fc.constantFrom(...BASE64URL, '.', '=', '%', ' '),
    kind: fc.constantFrom('replace', 'remove', 'insert'),
  });
  return fc
    .tuple(value, edit)
    .map(([v, { at, char, kind }]) => {
      const i = at % (v.length + 1);
      if (kind === 'insert') return { v, edited: v.slice(0, i) + char + v.slice(i) };
      if (kind === 'remove') return { v, edited: v.slice(0, i) + v.slice(i + 1) };
      return { v, edited: v.slice(0, i) + char + v.slice(i + 1) };
    })
    .filter(({ v, edited }) => edited !== v)
    .map(({ edited }) => edited);
}

/** Cookie headers that must never reach the store, by family. */
export function hostileHeaders(secret: string): Record<string, Arbitrary<string>> {
  const genuine = token.map((t) => signedValue(secret, t));
  return {
    empty: fc.constantFrom('', ' ', ';', ';;;', '=', 'sid', 'sid=', 'sid=;', 'sid=""', '=sid'),
    'any unicode header': fc.string({ unit: 'binary', maxLength: 400 }),
    'any unicode value': inHeader(fc.string({ unit: 'binary', maxLength: 200 })),
    huge: inHeader(fc.string({ unit: 'binary-ascii', minLength: 4_000, maxLength: 30_000 })),
    'many dots': inHeader(
      fc
        .array(fc.constantFrom('.', '..', 'A', '_', '-', '=', '%2E'), { maxLength: 300 })
        .map((parts) => parts.join('')),
    ),
    'base64-looking': inHeader(
      fc
        .tuple(base64url(0, 64), fc.constantFrom('.', '', '..', '%2E', ' ', '.='), base64url(0, 64))
        .map((parts) => parts.join('')),
    ),
    'token-shaped, unsigned': inHeader(fc.tuple(token, base64url(32)).map(([t, s]) => `${t}.${s}`)),
    'real token, wrong signature': inHeader(
      fc.oneof(
        fc
          .tuple(token, fc.string({ minLength: 32, maxLength: 64 }))
          .filter(([, other]) => other !== secret)
          .map(([t, other]) => signedValue(other, t)),
        fc
          .tuple(token, token)
          .filter(([t, other]) => t !== other)
          .map(([t, other]) => `${t}.${signedValue(secret, other).slice(44)}`),
      ),
    ),
    'genuine cookie, one character changed': inHeader(tampered(genuine)),
    // base64url's last character of 32 bytes carries 2 unused bits: another string, same bytes
    'genuine signature, re-encoded': inHeader(
      fc.tuple(genuine, fc.integer({ min: 1, max: 3 })).map(([v, bits]) => {
        const last = BASE64URL.indexOf(v.at(-1)!);
        return v.slice(0, -1) + BASE64URL[last ^ bits];
      }),
    ),
  };
}
