import { Buffer } from 'node:buffer';
import { SessionDataError } from '../errors/session-data.error.js';
import { MAX_SESSION_VALUE_DEPTH, copySessionValue } from './session-value.checker.js';
import type { SessionValueSite } from './session-value.checker.js';

const SET: SessionValueSite = { call: 'set', key: 'profile' };

/** The SessionDataError `copySessionValue` throws for `value`. */
function refusal(value: unknown, site: SessionValueSite = SET): SessionDataError {
  try {
    copySessionValue(site, value);
  } catch (error) {
    expect(error).toBeInstanceOf(SessionDataError);
    return error as SessionDataError;
  }
  throw new Error('expected a SessionDataError');
}

class AddressDto {
  street = 'Main St';
  zip: string | undefined = undefined;
  get label(): string {
    return this.street;
  }
  describe(): string {
    return this.street;
  }
}

describe('copySessionValue', () => {
  it.each([
    ['a string with emoji and U+2028', 'a😀b\u2028c'],
    ['an empty string', ''],
    ['finite numbers', [0, -1.5, 1e-7, Number.MAX_SAFE_INTEGER, Number.MAX_VALUE, 5e-324]],
    ['booleans and null', [true, false, null]],
    ['nested plain objects and arrays', { a: [{ b: [[1], { c: 'x' }] }], d: {} }],
    ['an object without a prototype', Object.assign(Object.create(null) as object, { a: 1 })],
  ])('keeps %s as they are', (_, value) => {
    expect(copySessionValue(SET, value)).toEqual(value);
  });

  it('copies: the session never shares an object with the caller', () => {
    const value = { tags: ['a'], nested: { n: 1 } };
    const copy = copySessionValue(SET, value) as typeof value;
    expect(copy).toEqual(value);
    expect(copy).not.toBe(value);
    expect(copy.tags).not.toBe(value.tags);
    value.tags.push('b');
    expect(copy.tags).toEqual(['a']);
  });

  it('stores a class instance as a plain object of its own enumerable data, undefined left out', () => {
    const copy = copySessionValue(SET, { home: new AddressDto() }) as { home: object };
    expect(Object.getPrototypeOf(copy.home)).toBe(Object.prototype);
    expect(copy).toStrictEqual({ home: { street: 'Main St' } });
    expect(copy).toStrictEqual(JSON.parse(JSON.stringify({ home: new AddressDto() })));
  });

  it('accepts a shared (not circular) reference, copied at each place as JSON does', () => {
    const shared = { id: 1 };
    expect(copySessionValue(SET, { a: shared, b: [shared, shared] })).toEqual({
      a: { id: 1 },
      b: [{ id: 1 }, { id: 1 }],
    });
  });

  it('keeps an own __proto__ key (e.g. from a JSON body) a plain property, never a prototype', () => {
    const hostile = JSON.parse('{"__proto__": {"isAdmin": true}, "name": "x"}') as object;
    const copy = copySessionValue(SET, hostile) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(copy.isAdmin).toBeUndefined();
    expect(JSON.stringify(copy)).toBe('{"__proto__":{"isAdmin":true},"name":"x"}');
  });

  it('accepts nesting down to the limit, and refuses deeper with SessionDataError, not RangeError', () => {
    const nest = (levels: number): unknown => {
      let value: unknown = 'leaf';
      for (let i = 0; i < levels; i++) value = [value];
      return value;
    };
    expect(copySessionValue(SET, nest(MAX_SESSION_VALUE_DEPTH))).toEqual(
      nest(MAX_SESSION_VALUE_DEPTH),
    );
    expect(refusal(nest(MAX_SESSION_VALUE_DEPTH + 1)).message).toMatch(
      /refused: profile\[0\]\[0\]\[0\]… is nested deeper than 100 levels, .*; store a flatter structure/,
    );
    expect(refusal(nest(100_000)).message).toMatch(/nested deeper than 100 levels/);
  });

  const circular: Record<string, unknown> = { name: 'loop' };
  circular.self = { back: circular };
  const holey: unknown[] = [1, , 3]; // eslint-disable-line no-sparse-arrays

  it.each([
    ['a function', () => 1, 'the value', 'a function'],
    ['a symbol', Symbol('s'), 'the value', 'a symbol'],
    ['a BigInt', 10n, 'the value', 'a BigInt, .*store value\\.toString\\(\\)'],
    ['NaN', NaN, 'the value', 'NaN, .*store a finite number, or null'],
    ['Infinity', { n: -Infinity }, 'profile.n', '-Infinity'],
    ['a Date', new Date(0), 'the value', 'a Date, .*; store date.toISOString()'],
    ['a Map', { m: new Map() }, 'profile.m', 'a Map, .*Object.fromEntries\\(map\\)'],
    ['a Set', [new Set([1])], 'profile\\[0\\]', 'a Set, .*\\[...set\\]'],
    ['a RegExp', /x/, 'the value', 'a RegExp'],
    ['an Error', new TypeError('t'), 'the value', 'an Error \\(TypeError\\)'],
    ['a boxed string', Object('s') as object, 'the value', 'a boxed string'],
    ['a Buffer', Buffer.from('x'), 'the value', 'binary data \\(Buffer\\)'],
    ['a typed array', new Float64Array(1), 'the value', 'binary data \\(Float64Array\\)'],
    ['an ArrayBuffer', new ArrayBuffer(1), 'the value', 'binary data \\(ArrayBuffer\\)'],
    ['a DataView', new DataView(new ArrayBuffer(1)), 'the value', 'binary data \\(DataView\\)'],
    ['a WeakMap', new WeakMap(), 'the value', 'a WeakMap'],
    ['a Promise', Promise.resolve(1), 'the value', 'a Promise'],
    ['an object with toJSON()', { at: { toJSON: () => 'x' } }, 'profile.at.toJSON', 'a function'],
    ['undefined in an array', { tags: ['a', 'b', undefined] }, 'profile.tags\\[2\\]', 'undefined'],
    ['a hole in an array', holey, 'profile\\[1\\]', 'undefined \\(or a hole\\)'],
    ['a circular structure', circular, 'profile.self.back', 'a circular reference'],
    [
      'a NUL in a string',
      { u: ['ok', 'a\u0000b'] },
      'profile.u\\[1\\]',
      'a string with a NUL character',
    ],
    [
      'a lone surrogate',
      { u: 'a\ud800' },
      'profile.u',
      'a string with a lone surrogate.*toWellFormed\\(\\)',
    ],
    ['a trailing low surrogate', '\udc00x', 'the value', 'a string with a lone surrogate'],
    [
      'a NUL in a property name',
      { 'a\u0000': 1 },
      'the property name at profile\\["a\\\\u0000"\\]',
      'a string with a NUL',
    ],
    [
      'a lone surrogate in a name',
      { x: { '\ud800': 1 } },
      'the property name at profile.x\\["\\\\ud800"\\]',
      'a string with a lone',
    ],
  ])('refuses %s, naming the key, the path and the fix', (_, value, where, what) => {
    const error = refusal(value);
    expect(error.key).toBe('profile');
    expect(error.getStatus()).toBe(500);
    expect(error.message).toMatch(new RegExp(`^nestjs-sessions: session\\.set\\('profile', …\\)`));
    expect(error.message).toMatch(new RegExp(`refused: ${where} is ${what}`));
    expect(error.message).toMatch(/The session is unchanged\.$/);
  });

  it('refuses a class whose toJSON() would replace its data', () => {
    class Money {
      constructor(readonly cents: number) {}
      toJSON(): string {
        return `${this.cents / 100} EUR`;
      }
    }
    expect(refusal({ price: new Money(150) }).message).toMatch(
      /profile\.price is an object with a toJSON\(\) method \(Money\).*store value\.toJSON\(\)/,
    );
  });

  it('refuses a session key with a NUL or a lone surrogate, escaped in the message', () => {
    const nul = refusal('v', { call: 'set', key: 'k\u0000' });
    expect(nul.message).toContain('the key "k\\u0000" is a string with a NUL character');
    expect(nul.message).not.toContain('\u0000');
    const lone = refusal('v', { call: 'flash', key: '\ud800' });
    expect(lone.message).toMatch(/^nestjs-sessions: session\.flash\("\\ud800", …\) refused/);
    expect(lone.message).not.toMatch(/[\ud800-\udfff]/);
  });

  it('quotes a key that is not an identifier at the root of a path', () => {
    const error = refusal({ at: new Date() }, { call: 'flash', key: 'tried-username' });
    expect(error.message).toMatch(
      /flash\('tried-username', …\) refused: 'tried-username'\.at is a Date/,
    );
  });
});
