import { jest } from '@jest/globals';
import { fakeOnly } from '../support/fake-time.js';
import { Redis } from 'ioredis';
import { RedisSessionStore } from '../../lib/index.js';
import type { RedisSessionClient } from '../../lib/index.js';
import { deleteKeysWithPrefix, keysWithPrefix, uniquePrefix } from '../support/redis.js';
import { later, sessionId, sessionRecord } from './session-record.factory.js';

const HOUR = 3_600_000;

/** A client that remembers the key of every command the store sends (always its first key). */
function recordingClient(redis: Redis, keys: Set<string>): RedisSessionClient {
  return {
    hgetall: (key) => (keys.add(key), redis.hgetall(key)),
    evalsha: (sha1, numkeys, ...args) => (
      keys.add(String(args[0])),
      redis.evalsha(sha1, numkeys, ...args)
    ),
    eval: (script, numkeys, ...args) => (
      keys.add(String(args[0])),
      redis.eval(script, numkeys, ...args)
    ),
  };
}

/** What `RedisSessionStore` keeps in Redis, looked at directly: keys, TTLs, the per-user index. */
export function describeRedisSessionStoreKeys(url: string): void {
  describe('RedisSessionStore keys in Redis', () => {
    let redis: Redis;
    let prefix: string;
    let addressed: Set<string>;
    let store: RedisSessionStore;
    const sessionKey = (id: string) => `${prefix}{${id}}`;
    const userKey = (userId: string) => `${prefix}user:{${userId}}`;
    const members = (userId: string) => redis.zrange(userKey(userId), 0, -1);

    beforeEach(() => {
      redis = new Redis(url);
      prefix = uniquePrefix();
      addressed = new Set();
      store = new RedisSessionStore(recordingClient(redis, addressed), { prefix });
    });

    afterEach(async () => {
      jest.useRealTimers();
      await deleteKeysWithPrefix(redis, prefix);
      await redis.quit();
    });

    it('writes only keys that start with its prefix, each with a TTL', async () => {
      const anonymous = sessionRecord({ data: { a: 1 } });
      const alice = sessionRecord({ userId: 'alice' });
      const bob = sessionRecord({ userId: 'bob' });
      for (const record of [anonymous, alice, bob]) await store.create(record);
      const now = new Date();
      const signIn = { userId: 'carol', authenticatedAt: now, lastSeenAt: now };
      await store.patch(anonymous.id, {
        ...signIn,
        set: { b: 2 },
        unset: ['a'],
        expiresAt: later(now, 2 * HOUR),
      });
      await store.patch(alice.id, { lastSeenAt: now, expiresAt: later(now, 3 * HOUR) });
      await store.findByUser('alice', now);
      await store.deleteByUser('bob');
      await store.delete(sessionId());

      expect([...addressed].filter((key) => !key.startsWith(prefix))).toEqual([]);
      const keys = await keysWithPrefix(redis, prefix);
      const expected = [
        sessionKey(anonymous.id),
        sessionKey(alice.id),
        userKey('alice'),
        userKey('carol'),
      ];
      expect(keys.sort()).toEqual(expected.sort());
      for (const key of keys) expect(await redis.pttl(key)).toBeGreaterThan(0);
    });

    it('expires each session key with the session, and its user key no sooner', async () => {
      const now = Date.now();
      const sessions = [10, 120, 30].map((minutes) =>
        sessionRecord({
          userId: 'dana',
          lastSeenAt: new Date(now),
          expiresAt: new Date(now + minutes * 60_000),
        }),
      );
      for (const record of sessions) await store.create(record);
      for (const record of sessions) {
        expect(await redis.pexpiretime(sessionKey(record.id))).toBe(record.expiresAt.getTime());
      }
      expect(await redis.pexpiretime(userKey('dana'))).toBeGreaterThanOrEqual(now + 120 * 60_000);

      const expiresAt = new Date(now + 5 * HOUR); // a touch carries one past all the others
      await store.patch(sessions[0].id, { lastSeenAt: new Date(now), expiresAt });
      expect(await redis.pexpiretime(sessionKey(sessions[0].id))).toBe(expiresAt.getTime());
      expect(await redis.pexpiretime(userKey('dana'))).toBeGreaterThanOrEqual(expiresAt.getTime());
    });

    it('drops from the user’s set a session Redis removed, at the next listing', async () => {
      const [gone, kept] = [sessionRecord({ userId: 'erin' }), sessionRecord({ userId: 'erin' })];
      for (const record of [gone, kept]) await store.create(record);
      await redis.del(sessionKey(gone.id)); // as Redis does when the session expires
      expect(await store.findByUser('erin', new Date())).toEqual([kept]);
      expect(await members('erin')).toEqual([kept.id]);
    });

    it('drops a deleted session from the user’s set, and the set with its last member', async () => {
      const record = sessionRecord({ userId: 'finn' });
      await store.create(record);
      expect(await members('finn')).toEqual([record.id]);
      await store.delete(record.id);
      expect(await redis.exists(userKey('finn'))).toBe(0);
    });

    it('prunes members whose expiry has passed at the next write of the user’s set', async () => {
      const old = sessionRecord({ userId: 'gus' });
      await store.create(old);
      // past `old`'s expiry and its index headroom; only Date moves
      fakeOnly(['Date'], { now: Date.now() + 3 * HOUR });
      const fresh = sessionRecord({ userId: 'gus' });
      await store.create(fresh);
      expect(await members('gus')).toEqual([fresh.id]);
    });

    it('revokes a user’s sessions and leaves only the one kept in the user’s set', async () => {
      const [kept, live, vanished] = [1, 2, 3].map(() => sessionRecord({ userId: 'hal' }));
      for (const record of [kept, live, vanished]) await store.create(record);
      await redis.del(sessionKey(vanished.id));
      expect(await store.deleteByUser('hal', kept.id)).toBe(1);
      expect(await members('hal')).toEqual([kept.id]);
      expect(await redis.exists(sessionKey(live.id))).toBe(0);
    });

    it('touches by writing only the timestamps', async () => {
      const record = sessionRecord({ userId: 'ivy', data: { a: 1, b: 'x' }, ip: '203.0.113.9' });
      await store.create(record);
      const before = await redis.hgetall(sessionKey(record.id));
      const lastSeenAt = new Date();
      const expiresAt = later(lastSeenAt, HOUR);
      expect(await store.patch(record.id, { lastSeenAt, expiresAt })).toBe(true);
      expect(await redis.hgetall(sessionKey(record.id))).toEqual({
        ...before,
        lastSeenAt: String(lastSeenAt.getTime()),
        expiresAt: String(expiresAt.getTime()),
      });
    });

    it('keeps all 200 concurrent patches of different keys of a signed-in session', async () => {
      const record = sessionRecord({ userId: 'jo', data: { base: true } });
      await store.create(record);
      const keys = Array.from({ length: 200 }, (_, i) => `key${i}`);
      const results = await Promise.all(
        keys.map((key, i) =>
          store.patch(record.id, {
            set: { [key]: i },
            lastSeenAt: new Date(),
            expiresAt: later(record.expiresAt, i * 1_000),
          }),
        ),
      );
      expect(results.every(Boolean)).toBe(true);
      const found = await store.find(record.id, new Date());
      expect(found?.data).toEqual({
        base: true,
        ...Object.fromEntries(keys.map((k, i) => [k, i])),
      });
      expect(await members('jo')).toEqual([record.id]);
      const sessionExpiry = await redis.pexpiretime(sessionKey(record.id));
      expect(await redis.pexpiretime(userKey('jo'))).toBeGreaterThanOrEqual(sessionExpiry);
    });

    it('refuses a patch after delete, and writes no key at all', async () => {
      const record = sessionRecord({ userId: 'kim' });
      await store.create(record);
      await store.delete(record.id);
      const now = new Date();
      const patch = { set: { a: 1 }, userId: 'kim', lastSeenAt: now, expiresAt: later(now, HOUR) };
      expect(await store.patch(record.id, patch)).toBe(false);
      expect(await store.patch(record.id, { lastSeenAt: now, expiresAt: later(now, HOUR) })).toBe(
        false,
      );
      expect(await keysWithPrefix(redis, prefix)).toEqual([]);
    });
  });
}
