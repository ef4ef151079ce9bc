import { jest } from '@jest/globals';
import { CachedSessionStore } from '../cache/cached-session.store.js';
import { hashToken } from '../cookie/session-token.codec.js';
import { SessionDataError } from '../errors/session-data.error.js';
import { FLASH_KEY_PREFIX } from '../session.constants.js';
import { MemorySessionStore } from '../stores/memory/memory-session.store.js';
import type { SessionRecord } from '../stores/session-record.interface.js';
import { SessionHandle } from './session.handle.js';
import type { SessionRuntime } from './session-state.js';

const IDLE = 60_000;

function runtime(deleted: string[] = []): SessionRuntime {
  let n = 0;
  return {
    newToken: () => `token-${++n}`,
    deleteStored: (id) => {
      deleted.push(id);
      return Promise.resolve();
    },
    expiryOf: ({ lastSeenAt }) => new Date(lastSeenAt.getTime() + IDLE),
  };
}

function stored(data: Record<string, unknown> = { theme: 'dark', cart: [1] }): SessionRecord {
  const at = new Date('2026-01-01T00:00:00Z');
  return {
    id: hashToken('old'),
    userId: null,
    data,
    createdAt: at,
    lastSeenAt: at,
    expiresAt: new Date(at.getTime() + IDLE),
    authenticatedAt: null,
    userAgent: 'jest',
    ip: '127.0.0.1',
  };
}

describe('SessionHandle', () => {
  it('starts fresh: new, anonymous, empty, id = hash of its token, nothing to store', () => {
    const handle = SessionHandle.fresh(runtime(), { userAgent: null, ip: null });
    expect(handle.isNew).toBe(true);
    expect(handle.id).toBe(hashToken(handle.token));
    expect(handle.hasContent).toBe(false);
    expect(handle.isModified).toBe(false);
  });

  it('patches only the keys it changed, and unsets deleted ones', () => {
    const handle = SessionHandle.loaded(runtime(), 'old', stored());
    handle.set('theme', 'light');
    handle.delete('cart');
    const now = new Date('2026-01-01T00:00:30Z');
    expect(handle.toPatch(now)).toEqual({
      set: { theme: 'light' },
      unset: ['cart'],
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + IDLE),
    });
  });

  it('is a touch (timestamps only) when nothing changed', () => {
    const handle = SessionHandle.loaded(runtime(), 'old', stored());
    expect(handle.get('theme')).toBe('dark');
    const patch = handle.toPatch(new Date());
    expect(Object.keys(patch).sort()).toEqual(['expiresAt', 'lastSeenAt']);
    expect(handle.isModified).toBe(false);
  });

  it('deleting a key that is not there changes nothing', () => {
    const handle = SessionHandle.loaded(runtime(), 'old', stored());
    handle.delete('missing');
    expect(handle.isModified).toBe(false);
  });

  it('refuses reserved $ keys from users but uses them for flash and CSRF', () => {
    const handle = SessionHandle.fresh(runtime(), { userAgent: null, ip: null });
    expect(() => handle.set('$csrf', 'x')).toThrow(/reserved/);
    handle.flash('notice', 'hi');
    const csrf = handle.csrfToken();
    expect(handle.csrfToken()).toBe(csrf);
    expect(csrf).toMatch(/^[\w-]{43}$/);
    expect(handle.userData).toEqual({});
    expect(handle.consumeFlash('notice')).toBe('hi');
    expect(handle.consumeFlash('notice')).toBeUndefined();
  });

  it('regenerate deletes the stored id at once and keeps data and user', async () => {
    const deleted: string[] = [];
    const handle = SessionHandle.loaded(runtime(deleted), 'old', { ...stored(), userId: 'u1' });
    const before = handle.id;
    await handle.regenerate();
    expect(deleted).toEqual([before]);
    expect(handle.id).not.toBe(before);
    expect(handle.id).toBe(hashToken(handle.token));
    expect(handle.isStored).toBe(false);
    expect(handle.userId).toBe('u1');
    expect(handle.get('theme')).toBe('dark');
  });

  it('destroy deletes once and then refuses changes', async () => {
    const deleted: string[] = [];
    const handle = SessionHandle.loaded(runtime(deleted), 'old', stored());
    await handle.destroy();
    await handle.destroy();
    expect(deleted).toHaveLength(1);
    expect(handle.isDestroyed).toBe(true);
    expect(() => handle.set('theme', 'x')).toThrow(/destroyed/);
  });

  it('bindUser drops the CSRF token known before sign-in', () => {
    const handle = SessionHandle.loaded(runtime(), 'old', stored());
    const before = handle.csrfToken();
    handle.bindUser('u9', new Date(), false);
    expect(handle.csrfToken()).not.toBe(before);
  });

  it('bindUser carries the user and sign-in time in the patch', () => {
    const handle = SessionHandle.loaded(runtime(), 'old', stored());
    const at = new Date();
    handle.bindUser('u9', at, false);
    const patch = handle.toPatch(at);
    expect(patch.userId).toBe('u9');
    expect(patch.authenticatedAt).toBe(at);
    handle.markStored(at);
    expect(handle.isModified).toBe(false);
    expect(handle.toPatch(at).userId).toBeUndefined();
  });

  it('refuses a value JSON does not carry at set(), changing nothing', () => {
    const handle = SessionHandle.loaded(runtime(), 'old', stored());
    expect(() => handle.set('theme', new Date())).toThrow(SessionDataError);
    expect(() => handle.set('cart', [1, 'a\u0000'])).toThrow(/cart\[1\] is a string with a NUL/);
    expect(handle.get('theme')).toBe('dark');
    expect(handle.get('cart')).toEqual([1]);
    expect(handle.isModified).toBe(false);
    expect(handle.toPatch(new Date()).set).toBeUndefined();
  });

  it('refuses a flashed value or flash key JSON does not carry, changing nothing', () => {
    const handle = SessionHandle.fresh(runtime(), { userAgent: null, ip: null });
    expect(() => handle.flash('tried', 'mallory\ud800')).toThrow(/flash\('tried', …\) refused/);
    expect(() => handle.flash('\u0000', 'x')).toThrow(SessionDataError);
    expect(handle.hasContent).toBe(false);
    expect(handle.isModified).toBe(false);
  });

  it('keeps a plain copy at set(): a DTO comes back from get() as a plain object, undefined left out', () => {
    class CartDto {
      items = ['book'];
      coupon: string | undefined = undefined;
    }
    const dto = new CartDto();
    const handle = SessionHandle.fresh(runtime(), { userAgent: null, ip: null });
    handle.set('cart', dto);
    dto.items.push('later');
    expect(handle.get('cart')).toStrictEqual({ items: ['book'] });
    expect(handle.toRecord(new Date()).data).toStrictEqual({ cart: { items: ['book'] } });
  });

  it('set(key, undefined) is delete(key)', () => {
    const handle = SessionHandle.loaded(runtime(), 'old', stored());
    handle.set('theme', undefined);
    expect(handle.get('theme')).toBeUndefined();
    expect(handle.toPatch(new Date()).unset).toEqual(['theme']);
    expect(handle.hasSetKeys).toBe(false);
  });

  it('hasSetKeys: only keys set (not deleted) since the last write', () => {
    const handle = SessionHandle.loaded(runtime(), 'old', stored());
    expect(handle.hasSetKeys).toBe(false);
    handle.set('theme', 'light');
    expect(handle.hasSetKeys).toBe(true);
    handle.markStored(new Date());
    expect(handle.hasSetKeys).toBe(false);
  });
});

/** `value` with every object in it frozen: changing it in place then throws (ES modules are strict). */
function deepFreeze<V>(value: V): V {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

describe('SessionHandle: copy-on-write over the record it was loaded from', () => {
  function frozen(): SessionRecord {
    return deepFreeze(
      stored({
        theme: 'dark',
        cart: [1],
        profile: { tags: ['a'] },
        [`${FLASH_KEY_PREFIX}notice`]: { text: 'hi' },
      }),
    );
  }

  afterEach(() => jest.restoreAllMocks());

  it('never changes the record or anything in it, whatever the app does', async () => {
    const record = frozen();
    const before = structuredClone(record);
    const handle = SessionHandle.loaded(runtime(), 'old', record);
    handle.set('theme', 'light');
    handle.delete('missing');
    handle.delete('profile');
    (handle.get('cart') as number[]).push(2);
    handle.consumeFlash<{ text: string }>('notice')!.text = 'changed';
    handle.csrfToken();
    handle.bindUser('u1', new Date(), false);
    await handle.regenerate();
    handle.markStored(new Date());
    handle.set('theme', 'blue');
    expect(record).toStrictEqual(before);
  });

  it('get() of an object clones it once: changed in place, then set(), it is written', () => {
    const record = frozen();
    const handle = SessionHandle.loaded(runtime(), 'old', record);
    const cart = handle.get('cart') as number[];
    expect(cart).not.toBe(record.data.cart);
    cart.push(2);
    expect(handle.get('cart')).toBe(cart); // the handle's own copy from now on
    expect(handle.isModified).toBe(false); // reading is not writing
    handle.set('cart', cart);
    expect(handle.toPatch(new Date()).set).toEqual({ cart: [1, 2] });
    expect(record.data.cart).toEqual([1]);
  });

  it('clones nothing for a request that reads only strings, numbers and booleans', () => {
    const clone = jest.spyOn(globalThis, 'structuredClone');
    const record = frozen();
    const handle = SessionHandle.loaded(runtime(), 'old', record);
    expect(handle.get('theme')).toBe('dark');
    expect(handle.userId).toBeNull();
    expect(handle.get('missing')).toBeUndefined();
    expect(handle.data).toBe(record.data); // not even a shallow copy of the data
    expect(clone).not.toHaveBeenCalled();
    handle.get('profile');
    handle.get('profile');
    expect(clone).toHaveBeenCalledTimes(1);
  });

  it('a cached record stays as stored while a request changes its session in every way', async () => {
    const store = new MemorySessionStore();
    const cache = new CachedSessionStore(store, 60_000, 100);
    await cache.initialize({ timeout: 1_000 });
    const record = stored({ theme: 'dark', cart: [1], profile: { tags: ['a'] } });
    record.expiresAt = new Date(Date.now() + IDLE);
    await cache.create(record);
    const clone = jest.spyOn(globalThis, 'structuredClone');

    const first = (await cache.find(record.id, new Date()))!;
    expect(clone).not.toHaveBeenCalled(); // a hit hands out the cached record, uncopied
    const handle = SessionHandle.loaded(runtime(), 'old', first);
    handle.set('theme', 'light');
    handle.delete('cart');
    (handle.get('profile') as { tags: string[] }).tags.push('b');
    handle.flash('notice', { text: 'hi' });

    const second = (await cache.find(record.id, new Date()))!;
    expect(second).toBe(first); // served from the cache, not the store
    expect(second.data).toStrictEqual({ theme: 'dark', cart: [1], profile: { tags: ['a'] } });
    const next = SessionHandle.loaded(runtime(), 'old', second);
    expect(next.get('theme')).toBe('dark');
    expect(next.get('cart')).toEqual([1]);
    expect(next.get('profile')).toEqual({ tags: ['a'] });
    await cache.onModuleDestroy();
  });
});
