import type { SessionStore } from '../../lib/stores/session.store.js';
import type { SessionStoreCapabilities } from './session-store.contract.js';
import { later, sessionRecord } from './session-record.factory.js';
import { describeSessionLimit, describeSweepReport } from './session-store-limit.contract.js';

const NOT_SUPPORTED = /not supported by this store/;

/**
 * The optional part of the SessionStore contract (by-user listing and revocation, the
 * expired-session sweep), called inside `describeSessionStoreContract`'s describe block.
 */
export function describeOptionalCapabilities(
  store: () => SessionStore,
  capabilities: SessionStoreCapabilities,
): void {
  if (capabilities.byUser) {
    describeByUser(store);
    describeSessionLimit(store);
  } else {
    it('rejects findByUser, deleteByUser and createWithinLimit as not supported by this store', async () => {
      await expect(store().findByUser('user', new Date())).rejects.toThrow(NOT_SUPPORTED);
      await expect(store().deleteByUser('user')).rejects.toThrow(NOT_SUPPORTED);
      const record = sessionRecord({ userId: 'user' });
      const limit = { max: 1, whenExceeded: 'refuse' } as const;
      await expect(store().createWithinLimit(record, limit, new Date())).rejects.toThrow(
        NOT_SUPPORTED,
      );
      expect(store().supports('createWithinLimit')).toBe(false);
    });
  }

  if (capabilities.sweep) {
    describeSweep(store);
    describeSweepReport(store);
  } else {
    it('answers deleteExpired with 0 (its backend expires entries by itself)', async () => {
      await store().create(sessionRecord({ expiresAt: new Date(Date.now() - 1_000) }));
      expect(await store().deleteExpired(new Date(), 10)).toBe(0);
    });
  }
}

function describeByUser(store: () => SessionStore): void {
  /** Three live sessions of `user`, created oldest first, plus one of another user. */
  async function createSessionsOf(user: string) {
    const now = Date.now();
    const sessions = [3, 2, 1].map((minutesAgo) =>
      sessionRecord({ userId: user, createdAt: new Date(now - minutesAgo * 60_000) }),
    );
    for (const session of [...sessions].reverse()) await store().create(session);
    await store().create(sessionRecord({ userId: `${user}-other` }));
    return sessions;
  }

  it('lists the live sessions of a user, oldest first, and no one else’s', async () => {
    const sessions = await createSessionsOf('alice');
    expect(await store().findByUser('alice', new Date())).toEqual(sessions);
  });

  it('leaves expired sessions out of a user’s list', async () => {
    const [, , newest] = await createSessionsOf('bob');
    const now = new Date();
    await store().create(sessionRecord({ userId: 'bob', expiresAt: later(now, -1) }));
    const listed = await store().findByUser('bob', now);
    expect(listed).toHaveLength(3);
    expect(listed[2]).toEqual(newest);
  });

  it('lists nothing for a user without sessions', async () => {
    expect(await store().findByUser('nobody', new Date())).toEqual([]);
  });

  it('deletes every session of a user and returns how many', async () => {
    const sessions = await createSessionsOf('carol');
    expect(await store().deleteByUser('carol')).toBe(3);
    for (const session of sessions) expect(await store().find(session.id, new Date())).toBeNull();
    expect(await store().findByUser('carol-other', new Date())).toHaveLength(1);
  });

  it('deletes every session of a user except the one named', async () => {
    const [oldest, middle, newest] = await createSessionsOf('dave');
    expect(await store().deleteByUser('dave', middle.id)).toBe(2);
    expect(await store().findByUser('dave', new Date())).toEqual([middle]);
    expect(await store().find(oldest.id, new Date())).toBeNull();
    expect(await store().find(newest.id, new Date())).toBeNull();
  });

  it('deletes nothing for a user without sessions', async () => {
    expect(await store().deleteByUser('nobody')).toBe(0);
  });
}

function describeSweep(store: () => SessionStore): void {
  it('deletes at most `limit` expired sessions per call, and only expired ones', async () => {
    const now = new Date();
    const expired = Array.from({ length: 5 }, (_, i) =>
      sessionRecord({ expiresAt: later(now, -1_000 * (i + 1)) }),
    );
    const live = [sessionRecord(), sessionRecord({ expiresAt: later(now, 1) })];
    for (const record of [...expired, ...live]) await store().create(record);

    expect(await store().deleteExpired(now, 3)).toBe(3);
    expect(await store().deleteExpired(now, 3)).toBe(2);
    expect(await store().deleteExpired(now, 3)).toBe(0);
    for (const record of live) expect(await store().find(record.id, now)).toEqual(record);
    const earlier = later(now, -60_000);
    for (const record of expired) expect(await store().find(record.id, earlier)).toBeNull();
  });

  it('counts a session expiring exactly at now as expired', async () => {
    const now = new Date();
    const record = sessionRecord({ expiresAt: now });
    await store().create(record);
    expect(await store().deleteExpired(now, 10)).toBe(1);
    expect(await store().find(record.id, later(now, -1))).toBeNull();
  });
}
