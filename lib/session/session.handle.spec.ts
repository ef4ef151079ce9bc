import { hashToken } from '../cookie/session-token.codec.js';
import { SessionDataError } from '../errors/session-data.error.js';
import type { SessionRecord } from '../stores/session-record.interface.js';
import { SessionHandle } from './session.handle.js';
import type { SessionRuntime } from './session.handle.js';

const IDLE = 60_000;

function runtime(deleted: string[] = []): SessionRuntime {
  let n = 0;
  return {
    newToken: () => `token-${++n}`,
    deleteStored: (id) => {
      deleted.push(id);
      return Promise.resolve();
    },
    expiryOf: (_createdAt, lastSeenAt) => new Date(lastSeenAt.getTime() + IDLE),
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
    handle.bindUser('u9', new Date());
    expect(handle.csrfToken()).not.toBe(before);
  });

  it('bindUser carries the user and sign-in time in the patch', () => {
    const handle = SessionHandle.loaded(runtime(), 'old', stored());
    const at = new Date();
    handle.bindUser('u9', at);
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
