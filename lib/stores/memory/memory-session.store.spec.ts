import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { SESSION_MESSAGES } from '../../session.messages.js';
import type { SessionRecord } from '../session-record.interface.js';
import { MemorySessionStore } from './memory-session.store.js';

describe('MemorySessionStore', () => {
  const now = new Date();

  function record(id: string, overrides: Partial<SessionRecord> = {}): SessionRecord {
    return {
      id,
      userId: 'user',
      data: { nested: { list: [1] } },
      createdAt: new Date(now.getTime() - 60_000),
      lastSeenAt: new Date(now.getTime() - 60_000),
      expiresAt: new Date(now.getTime() + 3_600_000),
      authenticatedAt: null,
      userAgent: null,
      ip: null,
      ...overrides,
    };
  }

  describe('bounded by maxEntries', () => {
    it('drops the oldest session when one more is created', async () => {
      const store = new MemorySessionStore({ maxEntries: 3 });
      for (const id of ['a', 'b', 'c', 'd']) await store.create(record(id));
      expect(store.size).toBe(3);
      expect(await store.find('a', now)).toBeNull();
      expect(await store.find('d', now)).not.toBeNull();
    });

    it('drops the least recently used, not the least recently created', async () => {
      const store = new MemorySessionStore({ maxEntries: 3 });
      for (const id of ['a', 'b', 'c']) await store.create(record(id));
      await store.find('a', now);
      await store.create(record('d'));
      expect(await store.find('a', now)).not.toBeNull();
      expect(await store.find('b', now)).toBeNull();
    });

    it('forgets a dropped session in the by-user index too', async () => {
      const store = new MemorySessionStore({ maxEntries: 1 });
      await store.create(record('a'));
      await store.create(record('b'));
      expect((await store.findByUser('user', now)).map((s) => s.id)).toEqual(['b']);
      expect(await store.deleteByUser('user')).toBe(1);
    });

    it('drops anonymous sessions before signed-in ones', async () => {
      const store = new MemorySessionStore({ maxEntries: 3 });
      await store.create(record('signed-in'));
      for (const id of ['a1', 'a2', 'a3', 'a4']) await store.create(record(id, { userId: null }));
      expect(store.size).toBe(3);
      expect(await store.find('signed-in', now)).not.toBeNull();
      expect(await store.find('a1', now)).toBeNull();
      expect(await store.find('a2', now)).toBeNull();
      expect(await store.find('a4', now)).not.toBeNull();
    });

    it('drops a signed-in session only when signed-in ones alone exceed the bound, once logged', async () => {
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      try {
        const store = new MemorySessionStore({ maxEntries: 2 });
        await store.create(record('anon', { userId: null }));
        await store.create(record('u1'));
        await store.create(record('u2'));
        expect(await store.find('anon', now)).toBeNull();
        expect(warn).not.toHaveBeenCalled();
        await store.create(record('u3'));
        await store.create(record('u4'));
        expect(await store.find('u1', now)).toBeNull();
        expect(await store.find('u2', now)).toBeNull();
        expect(await store.find('u4', now)).not.toBeNull();
        expect(warn).toHaveBeenCalledTimes(1);
        expect(warn).toHaveBeenCalledWith(SESSION_MESSAGES.memoryStoreFull(2));
      } finally {
        warn.mockRestore();
      }
    });

    it('moves a session that signs in out of the anonymous ones', async () => {
      const store = new MemorySessionStore({ maxEntries: 2 });
      await store.create(record('s', { userId: null }));
      await store.patch('s', { userId: 'u', lastSeenAt: now, expiresAt: record('s').expiresAt });
      await store.create(record('a1', { userId: null }));
      await store.create(record('a2', { userId: null }));
      expect(await store.find('s', now)).not.toBeNull();
      expect(await store.find('a1', now)).toBeNull();
    });

    it('holds 10000 sessions by default', async () => {
      const store = new MemorySessionStore();
      for (let i = 0; i <= 10_000; i++) await store.create(record(`s${i}`));
      expect(store.size).toBe(10_000);
      expect(await store.find('s0', now)).toBeNull();
    });
  });

  it('drops an expired session when it is read', async () => {
    const store = new MemorySessionStore();
    await store.create(record('a', { expiresAt: now }));
    expect(await store.find('a', now)).toBeNull();
    expect(store.size).toBe(0);
  });

  describe('copies, never shared references', () => {
    it('is unaffected by changes to the record it was given', async () => {
      const store = new MemorySessionStore();
      const given = record('a');
      await store.create(given);
      (given.data.nested as { list: number[] }).list.push(2);
      given.userId = 'changed';
      expect(await store.find('a', now)).toEqual(record('a'));
    });

    it('is unaffected by changes to a record it returned', async () => {
      const store = new MemorySessionStore();
      await store.create(record('a'));
      const found = (await store.find('a', now))!;
      (found.data.nested as { list: number[] }).list.push(2);
      found.expiresAt.setTime(0);
      const [listed] = await store.findByUser('user', now);
      listed.data.extra = true;
      expect(await store.find('a', now)).toEqual(record('a'));
    });

    it('is unaffected by changes to a patch it applied', async () => {
      const store = new MemorySessionStore();
      await store.create(record('a'));
      const set = { added: { list: [1] } };
      await store.patch('a', { set, lastSeenAt: now, expiresAt: record('a').expiresAt });
      set.added.list.push(2);
      expect((await store.find('a', now))!.data.added).toEqual({ list: [1] });
    });
  });

  describe('used with NODE_ENV=production', () => {
    const nodeEnv = process.env.NODE_ENV;
    const spyOnWarn = () => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => {});

    afterEach(() => {
      process.env.NODE_ENV = nodeEnv;
      jest.restoreAllMocks();
    });

    it('warns nothing outside production', () => {
      const warn = spyOnWarn();
      process.env.NODE_ENV = 'development';
      expect(new MemorySessionStore().size).toBe(0);
      expect(warn).not.toHaveBeenCalled();
    });

    it('warns once per process, however many stores are constructed', () => {
      const warn = spyOnWarn();
      process.env.NODE_ENV = 'production';
      const stores = [new MemorySessionStore(), new MemorySessionStore({ maxEntries: 5 })];
      expect(stores).toHaveLength(2);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn).toHaveBeenCalledWith(SESSION_MESSAGES.memoryStoreInProduction());
    });
  });
});
