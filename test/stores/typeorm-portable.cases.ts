import type { DataSource } from 'typeorm';
import { PortableSessionEntity } from '../../lib/stores/typeorm/portable-session.entity.js';
import type { TypeOrmSessionStore } from '../../lib/stores/typeorm/typeorm-session.store.js';
import { sessionRecord } from './session-record.factory.js';

/** A `TypeOrmSessionStore` on a database with `PortableSessionEntity`, emptied by `teardown`. */
export interface PortableStoreFixture {
  store: TypeOrmSessionStore;
  dataSource: DataSource;
  teardown(): Promise<void>;
}

/** Keys that a JSON path would misread unless quoted and escaped. */
const AWKWARD_KEYS = [
  'say "hi"',
  'back\\slash',
  'a.b',
  '*',
  '$',
  '[0]',
  '',
  'two words',
  "it's",
  'line\nbreak',
  'tab\t',
  'é😀',
  '\\"',
];

/**
 * What the JSON-text dialects (MariaDB/MySQL, SQLite) must get right beyond the contract:
 * keys with any characters, JSON value types through a patch, dates exact to the
 * millisecond, many concurrent patches, and rows TypeORM itself reads the same way.
 */
export function describePortableStoreCases(
  name: string,
  setup: () => Promise<PortableStoreFixture>,
): void {
  describe(`${name} (JSON-text dialect)`, () => {
    let fixture: PortableStoreFixture;
    const store = (): TypeOrmSessionStore => fixture.store;

    beforeEach(async () => {
      fixture = await setup();
    });

    afterEach(async () => {
      await fixture.teardown();
    });

    it('patches and removes keys whatever their characters, each naming only itself', async () => {
      const stored = Object.fromEntries(AWKWARD_KEYS.map((key, i) => [key, i]));
      const record = sessionRecord({ data: stored });
      await store().create(record);
      const [kept, ...changed] = AWKWARD_KEYS;
      const removed = changed.filter((_, i) => i % 2 === 0);
      const set = Object.fromEntries(changed.map((key) => [key, `new ${key}`]));
      const times = { lastSeenAt: new Date(), expiresAt: record.expiresAt };
      expect(await store().patch(record.id, { ...times, set })).toBe(true);
      expect(await store().patch(record.id, { ...times, unset: removed })).toBe(true);
      const expected: Record<string, unknown> = { [kept]: 0, ...set };
      for (const key of removed) delete expected[key];
      expect((await store().find(record.id, new Date()))?.data).toEqual(expected);
    });

    it('keeps every JSON value type through a patch', async () => {
      const record = sessionRecord({ data: { old: 'value' } });
      await store().create(record);
      const set = {
        text: 'plain',
        looksLikeJson: '{"a":1}',
        looksLikeNumber: '1',
        looksLikeNull: 'null',
        quoted: 'say "hi" \\ \u2028 😀',
        nothing: null,
        yes: true,
        no: false,
        int: 42,
        float: -0.125,
        list: [1, 'two', null, { three: [3] }],
        nested: { deeper: { n: null, s: 'x' } },
        empty: {},
      };
      const times = { lastSeenAt: new Date(), expiresAt: record.expiresAt };
      expect(await store().patch(record.id, { ...times, set })).toBe(true);
      expect((await store().find(record.id, new Date()))?.data).toEqual({ old: 'value', ...set });
    });

    it('skips a key set to undefined, as JSON does on every other store', async () => {
      const record = sessionRecord({ data: { kept: 'old' } });
      await store().create(record);
      const times = { lastSeenAt: new Date(), expiresAt: record.expiresAt };
      expect(await store().patch(record.id, { ...times, set: { kept: undefined, x: 1 } })).toBe(
        true,
      );
      expect((await store().find(record.id, new Date()))?.data).toEqual({ kept: 'old', x: 1 });
    });

    it('returns every date exactly, to the millisecond', async () => {
      const record = sessionRecord({
        createdAt: new Date('1999-12-31T23:59:59.999Z'),
        lastSeenAt: new Date('2024-02-29T12:00:00.001Z'),
        expiresAt: new Date(Date.now() + 3_600_000 + 7),
        authenticatedAt: new Date('2026-03-29T01:30:00.500Z'), // a DST switch in Europe
      });
      await store().create(record);
      expect(await store().find(record.id, new Date())).toEqual(record);
      const lastSeenAt = new Date(Date.now() - 1);
      const expiresAt = new Date(record.expiresAt.getTime() + 999);
      const authenticatedAt = new Date('2026-10-25T01:30:00.999Z');
      await store().patch(record.id, { lastSeenAt, expiresAt, authenticatedAt });
      expect(await store().find(record.id, new Date())).toEqual({
        ...record,
        lastSeenAt,
        expiresAt,
        authenticatedAt,
      });
    });

    it('keeps all 100 concurrent patches of different keys of one session', async () => {
      const record = sessionRecord({ data: { base: true } });
      await store().create(record);
      const keys = Array.from({ length: 100 }, (_, i) => `key "${i}"`);
      const results = await Promise.all(
        keys.map((key, i) =>
          store().patch(record.id, {
            set: { [key]: { i } },
            lastSeenAt: new Date(),
            expiresAt: record.expiresAt,
          }),
        ),
      );
      expect(results.every(Boolean)).toBe(true);
      const found = await store().find(record.id, new Date());
      expect(found?.data).toEqual({
        base: true,
        ...Object.fromEntries(keys.map((key, i) => [key, { i }])),
      });
    });

    it('writes rows that TypeORM reads back as the same session', async () => {
      const record = sessionRecord({
        userId: 'u-1',
        data: { cart: [{ sku: 'a' }], note: null },
        authenticatedAt: new Date('2026-01-02T03:04:05.678Z'),
        userAgent: 'agent',
        ip: '203.0.113.7',
      });
      await store().create(record);
      const entity = await fixture.dataSource
        .getRepository(PortableSessionEntity)
        .findOneByOrFail({ id: record.id });
      expect({ ...entity }).toEqual(record);
    });
  });
}
