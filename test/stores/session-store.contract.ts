import type { SessionStore } from '../../lib/stores/session.store.js';
import { describeOptionalCapabilities } from './session-store-capabilities.contract.js';
import { later, sessionId, sessionRecord } from './session-record.factory.js';

/** A store under test on its real backend, and how to release it after one test. */
export interface SessionStoreFixture {
  store: SessionStore;
  teardown(): Promise<void>;
}

/** Which optional parts of the contract the store implements. */
export interface SessionStoreCapabilities {
  /** `findByUser` and `deleteByUser`. */
  byUser: boolean;
  /** `deleteExpired` deletes (otherwise it resolves 0: the backend expires entries itself). */
  sweep: boolean;
}

/**
 * The behaviour every `SessionStore` must show (the contract in `session.store.ts`), run
 * against a real backend. `setup` is called before each test, for an empty store.
 */
export function describeSessionStoreContract(
  name: string,
  setup: () => Promise<SessionStoreFixture>,
  capabilities: SessionStoreCapabilities,
): void {
  describe(`${name} (SessionStore contract)`, () => {
    let fixture: SessionStoreFixture;
    const store = (): SessionStore => fixture.store;

    beforeEach(async () => {
      fixture = await setup();
    });

    afterEach(async () => {
      await fixture.teardown();
    });

    it('returns what was created: dates, nulls and nested data intact', async () => {
      const record = sessionRecord({
        userId: 'user-1',
        data: { theme: 'dark', cart: { items: [{ sku: 'a', qty: 2 }], note: null }, n: 1.5 },
        authenticatedAt: new Date('2026-01-02T03:04:05.678Z'),
        userAgent: 'Mozilla/5.0 (test)',
        ip: '2001:db8::1',
      });
      await store().create(record);
      expect(await store().find(record.id, new Date())).toEqual(record);
    });

    it('keeps null user, sign-in time, user agent and ip as null', async () => {
      const record = sessionRecord();
      await store().create(record);
      expect(await store().find(record.id, new Date())).toEqual(record);
    });

    it('finds nothing for an unknown id', async () => {
      expect(await store().find(sessionId(), new Date())).toBeNull();
    });

    it('serves a stored session only while its expiresAt is after now', async () => {
      const record = sessionRecord();
      await store().create(record);
      expect(await store().find(record.id, later(record.expiresAt, -1))).toEqual(record);
      expect(await store().find(record.id, record.expiresAt)).toBeNull();
      expect(await store().find(record.id, later(record.expiresAt, 1))).toBeNull();
    });

    it('patches data key by key: set keys written, unset keys removed, others kept', async () => {
      const record = sessionRecord({ data: { a: 1, b: 2, c: 3 } });
      await store().create(record);
      const lastSeenAt = new Date();
      const expiresAt = later(record.expiresAt, 60_000);
      const patched = await store().patch(record.id, {
        set: { b: 20, d: { nested: [1, 2] } },
        unset: ['c'],
        lastSeenAt,
        expiresAt,
      });
      expect(patched).toBe(true);
      expect(await store().find(record.id, new Date())).toEqual({
        ...record,
        data: { a: 1, b: 20, d: { nested: [1, 2] } },
        lastSeenAt,
        expiresAt,
      });
    });

    it('touches (timestamps only) without changing the data', async () => {
      const record = sessionRecord({ data: { kept: 'yes' } });
      await store().create(record);
      const lastSeenAt = new Date();
      const expiresAt = later(record.expiresAt, 60_000);
      expect(await store().patch(record.id, { lastSeenAt, expiresAt })).toBe(true);
      expect(await store().find(record.id, new Date())).toEqual({
        ...record,
        lastSeenAt,
        expiresAt,
      });
    });

    it('rebinds userId and authenticatedAt only when present in the patch', async () => {
      const record = sessionRecord({ userId: 'before', authenticatedAt: new Date(1_000) });
      await store().create(record);
      const times = { lastSeenAt: record.lastSeenAt, expiresAt: record.expiresAt };
      await store().patch(record.id, { ...times, set: { x: 1 } });
      expect(await store().find(record.id, new Date())).toMatchObject({
        userId: 'before',
        authenticatedAt: new Date(1_000),
      });
      const signedIn = new Date(2_000);
      await store().patch(record.id, { ...times, userId: 'after', authenticatedAt: signedIn });
      expect(await store().find(record.id, new Date())).toMatchObject({
        userId: 'after',
        authenticatedAt: signedIn,
      });
      await store().patch(record.id, { ...times, userId: null, authenticatedAt: null });
      expect(await store().find(record.id, new Date())).toMatchObject({
        userId: null,
        authenticatedAt: null,
      });
    });

    it('refuses to patch an unknown id, and creates nothing', async () => {
      const id = sessionId();
      const now = new Date();
      const patch = { set: { a: 1 }, lastSeenAt: now, expiresAt: later(now, 60_000) };
      expect(await store().patch(id, patch)).toBe(false);
      expect(await store().find(id, now)).toBeNull();
    });

    it('refuses to patch a deleted session (no resurrection)', async () => {
      const record = sessionRecord();
      await store().create(record);
      await store().delete(record.id);
      const patch = { set: { a: 1 }, lastSeenAt: new Date(), expiresAt: record.expiresAt };
      expect(await store().patch(record.id, patch)).toBe(false);
      expect(await store().find(record.id, new Date())).toBeNull();
    });

    it('refuses to patch an expired session, and does not revive it', async () => {
      const record = sessionRecord({ expiresAt: new Date(Date.now() - 1_000) });
      await store().create(record);
      const expiresAt = new Date(Date.now() + 60_000);
      expect(await store().patch(record.id, { lastSeenAt: new Date(), expiresAt })).toBe(false);
      expect(await store().find(record.id, new Date())).toBeNull();
    });

    it('deletes a session', async () => {
      const record = sessionRecord();
      await store().create(record);
      await store().delete(record.id);
      expect(await store().find(record.id, new Date())).toBeNull();
    });

    it('deletes an unknown id without error', async () => {
      await expect(store().delete(sessionId())).resolves.toBeUndefined();
    });

    it('keeps all 50 concurrent patches of different keys of one session', async () => {
      const record = sessionRecord({ data: { base: true } });
      await store().create(record);
      const keys = Array.from({ length: 50 }, (_, i) => `key${i}`);
      const results = await Promise.all(
        keys.map((key, i) =>
          store().patch(record.id, {
            set: { [key]: i },
            lastSeenAt: new Date(),
            expiresAt: record.expiresAt,
          }),
        ),
      );
      expect(results).toEqual(keys.map(() => true));
      const found = await store().find(record.id, new Date());
      expect(found?.data).toEqual({
        base: true,
        ...Object.fromEntries(keys.map((k, i) => [k, i])),
      });
    });

    describeOptionalCapabilities(store, capabilities);
  });
}
