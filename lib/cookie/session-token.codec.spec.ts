import { createHash } from 'node:crypto';
import { SessionTokenCodec, hashToken } from './session-token.codec.js';

const A = 'a'.repeat(32);
const B = 'b'.repeat(32);

describe('SessionTokenCodec', () => {
  const codec = new SessionTokenCodec([A]);

  it('generates 32 random bytes as base64url, never twice the same', () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => codec.generate()));
    expect(tokens.size).toBe(1000);
    for (const token of tokens) expect(Buffer.from(token, 'base64url')).toHaveLength(32);
  });

  it('verifies what it signed and returns the token', () => {
    const token = codec.generate();
    const cookie = codec.sign(token);
    expect(cookie.startsWith(`${token}.`)).toBe(true);
    expect(codec.verify(cookie)).toBe(token);
  });

  it('refuses a changed token, a changed signature and garbage', () => {
    const token = codec.generate();
    const cookie = codec.sign(token);
    const flip = (s: string, i: number) =>
      s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    expect(codec.verify(flip(cookie, 0))).toBeNull();
    expect(codec.verify(flip(cookie, 60))).toBeNull();
    for (const garbage of [undefined, '', '.', token, `${token}.`, `${cookie}x`, 'é'.repeat(87)]) {
      expect(codec.verify(garbage)).toBeNull();
    }
  });

  it('rotates: the newest secret signs, all verify, a dropped secret no longer verifies', () => {
    const oldCookie = new SessionTokenCodec([A]).sign('t'.repeat(43));
    const rotated = new SessionTokenCodec([B, A]);
    expect(rotated.verify(oldCookie)).toBe('t'.repeat(43));
    expect(new SessionTokenCodec([B]).verify(oldCookie)).toBeNull();
    expect(new SessionTokenCodec([B]).verify(rotated.sign('t'.repeat(43)))).toBe('t'.repeat(43));
  });

  it('hashes tokens with SHA-256 so the store never sees the token', () => {
    const token = codec.generate();
    expect(hashToken(token)).toBe(createHash('sha256').update(token).digest('base64url'));
    expect(hashToken(token)).not.toContain(token);
  });
});
