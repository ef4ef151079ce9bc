import { types } from 'node:util';
import { SessionDataError } from '../errors/session-data.error.js';
import { SESSION_MESSAGES } from '../session.messages.js';
import type { RefusedSessionValue } from '../session.messages.js';

/** How deep a session value may nest (objects and arrays), as Ruby's JSON `max_nesting`. */
export const MAX_SESSION_VALUE_DEPTH = 100;

/** `String.prototype.isWellFormed` (Node 20; ES2024, newer than this project's `lib`). */
const isWellFormed = (value: string): boolean =>
  (value as unknown as { isWellFormed(): boolean }).isWellFormed();

/** A name that needs no quoting in a path such as `profile.tags[2]`. */
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Where a value is being put, for messages: `session.set('cart', …)` or `session.flash(…)`. */
export interface SessionValueSite {
  call: 'set' | 'flash';
  /** The key the app gave (without the library's flash prefix). */
  key: string;
}

/**
 * What `session.set(key, value)` / `flash(key, value)` keeps: a plain copy of `value` made in
 * one walk, holding only what JSON carries faithfully — strings without NUL or lone
 * surrogates, finite numbers, booleans, `null`, arrays of those, and objects (plain ones, or
 * class instances such as DTOs, copied as plain objects of their own enumerable string-keyed
 * properties; an `undefined` property is left out, as JSON does).
 *
 * Throws {@link SessionDataError}, naming the key, the path inside the value and the fix, for
 * anything else: functions, symbols, BigInt, NaN/±Infinity, Date, Map, Set, RegExp, Error,
 * boxed primitives, Buffers/typed arrays/ArrayBuffer/DataView, other built-ins (WeakMap,
 * Promise, …), objects with a `toJSON()` method, `undefined` or a hole in an array, circular
 * structures, a bad string as a key (the session key included), and nesting deeper than
 * {@link MAX_SESSION_VALUE_DEPTH}. Shared, non-circular references are fine (each is copied).
 *
 * @internal
 */
export function copySessionValue(site: SessionValueSite, value: unknown): unknown {
  const badKey = badString(site.key);
  if (badKey) refuse(site, `the key ${quote(site.key)}`, badKey);
  return new SessionValueCopier(site).copy(value);
}

/** One walk over one value; `path` and `ancestors` are the current position, for messages. */
class SessionValueCopier {
  private readonly path: (string | number)[] = [];
  private readonly ancestors: object[] = [];

  constructor(private readonly site: SessionValueSite) {}

  copy(value: unknown): unknown {
    switch (typeof value) {
      case 'string': {
        const bad = badString(value);
        return bad ? this.refuse(bad) : value;
      }
      case 'number':
        return Number.isFinite(value) ? value : this.refuse('nonFinite', String(value));
      case 'boolean':
        return value;
      case 'object':
        return value === null ? null : this.copyObject(value);
      case 'function':
        return this.refuse('function');
      case 'symbol':
        return this.refuse('symbol');
      case 'bigint':
        return this.refuse('bigint');
      default: // undefined: left out of objects by the caller, refused in arrays
        return this.refuse('undefinedInArray');
    }
  }

  private copyObject(value: object): unknown {
    if (this.ancestors.includes(value)) return this.refuse('circular');
    if (this.ancestors.length >= MAX_SESSION_VALUE_DEPTH) {
      return this.refuse('tooDeep', String(MAX_SESSION_VALUE_DEPTH), `${this.where(3)}…`);
    }
    if (!Array.isArray(value) && !isPlain(value)) {
      const kind = refusedKind(value);
      if (kind) return this.refuse(kind, className(value));
    }
    this.ancestors.push(value);
    const copy = Array.isArray(value) ? this.copyArray(value) : this.copyProperties(value);
    this.ancestors.pop();
    return copy;
  }

  private copyArray(array: readonly unknown[]): unknown[] {
    const copy = new Array<unknown>(array.length);
    for (let i = 0; i < array.length; i++) {
      this.path.push(i);
      copy[i] = this.copy(array[i]);
      this.path.pop();
    }
    return copy;
  }

  private copyProperties(object: object): Record<string, unknown> {
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(object)) {
      const item = (object as Record<string, unknown>)[key];
      if (item === undefined) continue;
      this.path.push(key);
      const bad = badString(key);
      if (bad) this.refuse(bad, '', `the property name at ${this.where()}`);
      if (key === '__proto__') {
        // Defined, not assigned: an own `__proto__` (e.g. from a JSON body) must not become
        // the copy's prototype.
        const property = { value: this.copy(item), enumerable: true, writable: true };
        Object.defineProperty(copy, key, { ...property, configurable: true });
      } else {
        copy[key] = this.copy(item);
      }
      this.path.pop();
    }
    return copy;
  }

  private refuse(kind: RefusedSessionValue, name = '', where = this.where()): never {
    refuse(this.site, where, kind, name);
  }

  /** The current position as code would write it, e.g. `profile.tags[2]` or `cart["a b"]`. */
  private where(depth = this.path.length): string {
    if (this.path.length === 0) return 'the value';
    let where = IDENTIFIER.test(this.site.key) ? this.site.key : quote(this.site.key);
    for (const part of this.path.slice(0, depth)) {
      if (typeof part === 'number') where += `[${part}]`;
      else where += IDENTIFIER.test(part) ? `.${part}` : `[${quote(part)}]`;
    }
    return where;
  }
}

function refuse(
  site: SessionValueSite,
  where: string,
  kind: RefusedSessionValue,
  name = '',
): never {
  const call = `${site.call}(${quote(site.key)}, …)`;
  throw new SessionDataError(
    SESSION_MESSAGES.refusedSessionValue(call, where, kind, name),
    site.key,
  );
}

/** Why a string cannot be stored as it is (Postgres refuses both in `jsonb`), if it cannot. */
function badString(value: string): RefusedSessionValue | undefined {
  if (value.includes('\u0000')) return 'nul';
  return isWellFormed(value) ? undefined : 'loneSurrogate';
}

function isPlain(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Why JSON would mangle a non-plain object, if it would; a DTO-like instance passes. */
function refusedKind(value: object): RefusedSessionValue | undefined {
  if (types.isDate(value)) return 'date';
  if (types.isMap(value)) return 'map';
  if (types.isSet(value)) return 'set';
  if (types.isRegExp(value)) return 'regexp';
  if (types.isNativeError(value) || value instanceof Error) return 'error';
  if (types.isBoxedPrimitive(value)) return 'boxed';
  if (types.isArrayBufferView(value) || types.isAnyArrayBuffer(value)) return 'binary';
  if (
    types.isWeakMap(value) ||
    types.isWeakSet(value) ||
    types.isPromise(value) ||
    types.isMapIterator(value) ||
    types.isSetIterator(value) ||
    types.isGeneratorObject(value) ||
    types.isKeyObject(value) ||
    types.isCryptoKey(value) ||
    value instanceof WeakRef
  ) {
    return 'builtIn';
  }
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  return typeof toJSON === 'function' ? 'toJSON' : undefined;
}

function className(value: object): string {
  if (types.isBoxedPrimitive(value)) return typeof value.valueOf();
  const name: unknown = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? name : Object.prototype.toString.call(value);
}

/** A key as a message shows it: `'cart'`, or JSON-escaped when it holds odd characters. */
function quote(key: string): string {
  return /^[\w$:. -]*$/.test(key) ? `'${key}'` : JSON.stringify(key);
}
