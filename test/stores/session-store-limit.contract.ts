import type { SessionStore } from '../../lib/stores/session.store.js';
import type { DeletedSession } from '../../lib/stores/session-record.interface.js';
import { later, sessionRecord } from './session-record.factory.js';

/**
 * What `maxSessionsPerUser` and the session events need of a store that lists and revokes by
 * user: `createWithinLimit` (atomic, also under concurrent calls), and the ids `deleteByUser`
 * reports. Called inside `describeOptionalCapabilities`.
 */
export function describeSessionLimit(store: () => SessionStore): void {
  /** Live sessions of `user` created `minutesAgo` (oldest first). */
  async function sessionsOf(user: string, minutesAgo: number[]) {
    const now = Date.now();
    const sessions = minutesAgo.map((m) =>
      sessionRecord({ userId: user, createdAt: new Date(now - m * 60_000) }),
    );
    for (const session of sessions) await store().create(session);
    return sessions;
  }
  const ids = (records: { id: string }[]) => records.map(({ id }) => id);
  const live = async (user: string) => ids(await store().findByUser(user, new Date()));

  it('says it supports createWithinLimit', () => {
    expect(store().supports('createWithinLimit')).toBe(true);
  });

  it('creates a session under the limit, revoking nothing', async () => {
    const [older] = await sessionsOf('lim-a', [5]);
    const record = sessionRecord({ userId: 'lim-a' });
    const limit = { max: 2, whenExceeded: 'refuse' } as const;
    expect(await store().createWithinLimit(record, limit, new Date())).toEqual({
      created: true,
      revoked: [],
    });
    expect(await live('lim-a')).toEqual([older.id, record.id]);
  });

  it('revokes the oldest sessions past the limit, and only that user’s', async () => {
    const [oldest, middle, newest] = await sessionsOf('lim-b', [30, 20, 10]);
    const [other] = await sessionsOf('lim-b-other', [40]);
    const record = sessionRecord({ userId: 'lim-b' });
    const outcome = await store().createWithinLimit(
      record,
      { max: 2, whenExceeded: 'revoke-oldest' },
      new Date(),
    );
    expect(outcome).toEqual({ created: true, revoked: [oldest.id, middle.id] });
    expect(await live('lim-b')).toEqual([newest.id, record.id]);
    expect(await store().find(oldest.id, new Date())).toBeNull();
    expect(await live('lim-b-other')).toEqual([other.id]);
  });

  it('refuses past the limit, writing nothing', async () => {
    const sessions = await sessionsOf('lim-c', [20, 10]);
    const record = sessionRecord({ userId: 'lim-c' });
    const outcome = await store().createWithinLimit(
      record,
      { max: 2, whenExceeded: 'refuse' },
      new Date(),
    );
    expect(outcome).toEqual({ created: false, revoked: [] });
    expect(await store().find(record.id, new Date())).toBeNull();
    expect(await live('lim-c')).toEqual(ids(sessions));
  });

  it('does not count the session a sign-in replaces, and deletes it with the write', async () => {
    const [older, current] = await sessionsOf('lim-e', [20, 10]);
    const record = sessionRecord({ userId: 'lim-e' });
    const limit = { max: 2, whenExceeded: 'refuse' } as const;
    const outcome = await store().createWithinLimit(record, limit, new Date(), current.id);
    expect(outcome).toEqual({ created: true, revoked: [] });
    expect(await live('lim-e')).toEqual([older.id, record.id]);
    expect(await store().find(current.id, new Date())).toBeNull();
  });

  it('leaves the session a refused sign-in would have replaced as it was', async () => {
    const anonymous = sessionRecord({ data: { cart: [1, 2] } });
    await store().create(anonymous);
    await sessionsOf('lim-f', [10]);
    const record = sessionRecord({ userId: 'lim-f' });
    const limit = { max: 1, whenExceeded: 'refuse' } as const;
    const outcome = await store().createWithinLimit(record, limit, new Date(), anonymous.id);
    expect(outcome.created).toBe(false);
    expect(await store().find(anonymous.id, new Date())).toEqual(anonymous);
  });

  it('does not count expired sessions against the limit', async () => {
    const now = new Date();
    await store().create(sessionRecord({ userId: 'lim-d', expiresAt: later(now, -1_000) }));
    const record = sessionRecord({ userId: 'lim-d' });
    const outcome = await store().createWithinLimit(
      record,
      { max: 1, whenExceeded: 'refuse' },
      now,
    );
    expect(outcome.created).toBe(true);
    expect(await live('lim-d')).toEqual([record.id]);
  });

  it('keeps at most `max` sessions when many sign-ins of one user race', async () => {
    for (const whenExceeded of ['revoke-oldest', 'refuse'] as const) {
      const user = `lim-race-${whenExceeded}`;
      const records = Array.from({ length: 12 }, () => sessionRecord({ userId: user }));
      const outcomes = await Promise.all(
        records.map((r) => store().createWithinLimit(r, { max: 3, whenExceeded }, new Date())),
      );
      const survivors = await live(user);
      expect(survivors).toHaveLength(3);
      const created = outcomes.filter((o) => o.created).length;
      expect(created).toBe(whenExceeded === 'refuse' ? 3 : 12);
      const revoked = outcomes.flatMap((o) => o.revoked);
      expect(revoked).toHaveLength(whenExceeded === 'refuse' ? 0 : 9);
      expect(new Set([...revoked, ...survivors]).size).toBe(created);
    }
  });

  it('reports the live sessions deleteByUser deleted, not the expired or excepted ones', async () => {
    const [a, b, c] = await sessionsOf('rep-a', [3, 2, 1]);
    await store().create(sessionRecord({ userId: 'rep-a', expiresAt: later(new Date(), -1_000) }));
    let reported: string[] | undefined;
    await store().deleteByUser('rep-a', b.id, (deleted) => (reported = deleted));
    expect([...(reported ?? [])].sort()).toEqual([a.id, c.id].sort());
    expect(await live('rep-a')).toEqual([b.id]);
  });

  it('answers a ping', async () => {
    await expect(store().ping()).resolves.toBeUndefined();
  });
}

/** The sweep reports what it deleted (for `session.expired`). */
export function describeSweepReport(store: () => SessionStore): void {
  it('reports each session a sweep deleted, with its user', async () => {
    const now = new Date();
    const expired = [
      sessionRecord({ userId: 'swept-1', expiresAt: later(now, -2_000) }),
      sessionRecord({ expiresAt: later(now, -1_000) }),
    ];
    const kept = sessionRecord({ userId: 'swept-1' });
    for (const record of [...expired, kept]) await store().create(record);
    const reported: DeletedSession[] = [];
    expect(await store().deleteExpired(now, 10, (swept) => reported.push(...swept))).toBe(2);
    const byId = (x: DeletedSession, y: DeletedSession) => (x.id < y.id ? -1 : 1);
    expect(reported.sort(byId)).toEqual(
      expired.map(({ id, userId }) => ({ id, userId })).sort(byId),
    );
  });
}
