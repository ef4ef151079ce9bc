import { SessionStoreCapabilityError } from '../session.store.js';
import type { SessionRecord } from '../session-record.interface.js';
import { CookieSessionStore } from './cookie-session.store.js';
import { SealedCookieCodec } from './sealed-cookie.codec.js';
import { serializeRecord } from './sealed-record.serializer.js';

const A = 'a'.repeat(32);
const B = 'b'.repeat(40);

describe('CookieSessionStore', () => {
  const now = new Date('2026-03-01T12:00:00.000Z');

  function record(overrides: Partial<SessionRecord> = {}): SessionRecord {
    return {
      id: 'x7pHq2oVYk0tqYxkqjH4wq6S7yNwq2Jp5XU0b3mYQyA',
      userId: 'user-1',
      data: { theme: 'dark', cart: { items: [{ sku: 'a', qty: 2 }], note: null }, n: 1.5 },
      createdAt: new Date(now.getTime() - 60_000),
      lastSeenAt: new Date(now.getTime() - 30_000),
      expiresAt: new Date(now.getTime() + 3_600_000),
      authenticatedAt: new Date(now.getTime() - 60_000),
      userAgent: 'Mozilla/5.0 (test)',
      ip: '2001:db8::1',
      ...overrides,
    };
  }

  /** A valid record as it is stored in the sealed JSON. */
  function stored() {
    return JSON.parse(serializeRecord(record()).toString('utf8')) as Record<string, unknown>;
  }

  /** `value` with the byte at `index` of its decoded form flipped. */
  function flipByte(value: string, index: number): string {
    const bytes = Buffer.from(value, 'base64url');
    bytes[index] ^= 0x01;
    return bytes.toString('base64url');
  }

  describe('seal and open', () => {
    it('round-trips every field of the record', () => {
      const store = new CookieSessionStore({ secret: A });
      const sealed = record();
      expect(store.open(store.seal(sealed), now)).toEqual(sealed);
    });

    it('round-trips nulls (anonymous session, no sign-in, no user agent or ip)', () => {
      const store = new CookieSessionStore({ secret: A });
      const sealed = record({ userId: null, authenticatedAt: null, userAgent: null, ip: null });
      expect(store.open(store.seal(sealed), now)).toEqual(sealed);
    });

    it('writes base64url only, with no readable trace of the data', () => {
      const store = new CookieSessionStore({ secret: A });
      const value = store.seal(record({ data: { secretNote: 'plain-text-marker' } }));
      expect(value).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(Buffer.from(value, 'base64url').toString('latin1')).not.toContain('plain-text');
    });

    it('seals the same record differently each time (random IV)', () => {
      const store = new CookieSessionStore({ secret: A });
      const sealed = record();
      expect(store.seal(sealed)).not.toBe(store.seal(sealed));
    });
  });

  describe('open refuses bad input with null, never throwing', () => {
    const store = new CookieSessionStore({ secret: A });
    const value = store.seal(record({ data: {} }));
    const length = Buffer.from(value, 'base64url').length;
    const regions: [string, number][] = [
      ['version byte', 0],
      ['key id, first byte', 1],
      ['key id, last byte', 4],
      ['IV, first byte', 5],
      ['IV, last byte', 16],
      ['ciphertext, first byte', 17],
      ['ciphertext, last byte', length - 17],
      ['tag, first byte', length - 16],
      ['tag, last byte', length - 1],
    ];

    it('opens the untampered value (the control for the cases below)', () => {
      expect(store.open(value, now)).not.toBeNull();
    });

    it.each(regions)('a flipped bit in the %s', (_region, index) => {
      expect(store.open(flipByte(value, index), now)).toBeNull();
    });

    it.each([
      ['empty', ''],
      ['garbage', 'not a sealed value'],
      ['non-base64url characters', `${value.slice(0, -1)}=`],
      ['truncated by one character', value.slice(0, -1)],
      ['truncated to the header', value.slice(0, 8)],
      ['extended by bytes', `${value}AAAA`],
      ['longer than any sealed value', 'A'.repeat(CookieSessionStore.MAX_VALUE_BYTES + 4)],
      ['a signed session token', `${'a'.repeat(43)}.${'b'.repeat(43)}`],
    ])('%s', (_case, bad) => {
      expect(store.open(bad, now)).toBeNull();
    });

    it('another spelling of the same bytes (unused bits of the last character set)', () => {
      const sealed = [0, 1, 2]
        .map((pad) => store.seal(record({ data: { pad: 'x'.repeat(pad) } })))
        .find((v) => v.length % 4 !== 0)!;
      const last = sealed.at(-1)!;
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const respelled = [...alphabet]
        .filter((c) => c !== last)
        .map((c) => sealed.slice(0, -1) + c)
        .find((v) => Buffer.from(v, 'base64url').equals(Buffer.from(sealed, 'base64url')))!;
      expect(respelled).toBeDefined();
      expect(store.open(sealed, now)).not.toBeNull();
      expect(store.open(respelled, now)).toBeNull();
    });

    it('an authentic seal of a valid record opens (the control for the cases below)', () => {
      const value = new SealedCookieCodec([A]).seal(Buffer.from(JSON.stringify(stored())));
      expect(store.open(value, now)).toEqual(record());
    });

    it.each([
      ['not JSON', '{"id":'],
      ['JSON but not an object', '[]'],
      ['an object missing fields', '{"id":"x"}'],
      [
        'a record with a date that is not a number',
        JSON.stringify({ ...stored(), createdAt: 'x' }),
      ],
      ['a record whose data is an array', JSON.stringify({ ...stored(), data: [] })],
    ])('an authentic seal of %s', (_case, plaintext) => {
      const value = new SealedCookieCodec([A]).seal(Buffer.from(plaintext, 'utf8'));
      expect(store.open(value, now)).toBeNull();
    });

    it('a value that is not a string', () => {
      expect(store.open(undefined as unknown as string, now)).toBeNull();
    });
  });

  describe('keys', () => {
    it('refuses a value sealed under another secret', () => {
      const value = new CookieSessionStore({ secret: A }).seal(record());
      expect(new CookieSessionStore({ secret: B }).open(value, now)).toBeNull();
    });

    it('with [B, A], opens what A sealed and seals under B', () => {
      const sealedByA = new CookieSessionStore({ secret: A }).seal(record());
      const rotated = new CookieSessionStore({ secret: [B, A] });
      const opened = rotated.open(sealedByA, now);
      expect(opened).toEqual(record());

      const resealed = rotated.seal(opened!);
      expect(new CookieSessionStore({ secret: [B] }).open(resealed, now)).toEqual(record());
      expect(new CookieSessionStore({ secret: A }).open(resealed, now)).toBeNull();
    });

    it('with [B] alone, refuses what A sealed (the old secret retired)', () => {
      const sealedByA = new CookieSessionStore({ secret: A }).seal(record());
      expect(new CookieSessionStore({ secret: [B] }).open(sealedByA, now)).toBeNull();
    });

    it('opens with a new instance given the same secret (no server-side state)', () => {
      const value = new CookieSessionStore({ secret: A }).seal(record());
      expect(new CookieSessionStore({ secret: A }).open(value, now)).toEqual(record());
    });

    it.each([
      ['missing', {}],
      ['too short', { secret: 'short' }],
      ['31 characters', { secret: 'a'.repeat(31) }],
      ['an empty array', { secret: [] }],
      ['an array with a short one', { secret: [A, 'short'] }],
      ['not a string', { secret: 42 }],
    ])('rejects a secret that is %s, naming the fix', (_case, options) => {
      expect(() => new CookieSessionStore(options as { secret: string })).toThrow(
        /CookieSessionStore needs `secret`: a string of at least 32 characters/,
      );
    });

    it('accepts a secret of exactly 32 characters', () => {
      expect(() => new CookieSessionStore({ secret: 'z'.repeat(32) })).not.toThrow();
    });
  });

  describe('expiry inside the sealed payload', () => {
    const store = new CookieSessionStore({ secret: A });
    const expiresAt = new Date(now.getTime() + 60_000);
    const value = store.seal(record({ expiresAt }));

    it('opens before expiresAt', () => {
      expect(store.open(value, new Date(expiresAt.getTime() - 1))).not.toBeNull();
    });

    it('refuses at and after expiresAt', () => {
      expect(store.open(value, expiresAt)).toBeNull();
      expect(store.open(value, new Date(expiresAt.getTime() + 1))).toBeNull();
    });
  });

  describe('cookie size', () => {
    const store = new CookieSessionStore({ secret: A });

    it('seals a session up to the limit', () => {
      const value = store.seal(record({ data: { blob: 'x'.repeat(2_500) } }));
      expect(value.length).toBeLessThanOrEqual(CookieSessionStore.MAX_VALUE_BYTES);
      expect(store.open(value, now)?.data).toEqual({ blob: 'x'.repeat(2_500) });
    });

    it('throws a clear error rather than seal a cookie past the limit', () => {
      expect(() => store.seal(record({ data: { blob: 'x'.repeat(3_000) } }))).toThrow(
        /sealed session is \d+ bytes, over CookieSessionStore's limit of 4000.*server-side store/s,
      );
    });
  });

  describe('server-side methods (nothing is kept server-side)', () => {
    const store = new CookieSessionStore({ secret: A });

    it('refuses find / create / patch / delete: the cookie is the record, nothing is held', async () => {
      const sealed = record();
      await expect(store.create(sealed)).rejects.toBeInstanceOf(SessionStoreCapabilityError);
      await expect(store.find(sealed.id, now)).rejects.toThrow(/find\(\) is not supported/);
      await expect(store.patch(sealed.id, { lastSeenAt: now, expiresAt: now })).rejects.toThrow(
        /patch\(\) is not supported/,
      );
      await expect(store.delete(sealed.id)).rejects.toThrow(/revoke\(\) is not supported/);
    });

    it('rejects findByUser and deleteByUser as not supported by this store', async () => {
      const list = store.findByUser('user-1', now);
      await expect(list).rejects.toBeInstanceOf(SessionStoreCapabilityError);
      await expect(list).rejects.toThrow(/CookieSessionStore\.findByUser\(\) is not supported/);
      await expect(store.deleteByUser('user-1')).rejects.toThrow(
        /CookieSessionStore\.deleteByUser\(\) is not supported by this store/,
      );
    });

    it('answers deleteExpired with 0', async () => {
      expect(await store.deleteExpired(now, 100)).toBe(0);
    });
  });
});
