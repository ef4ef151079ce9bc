import type { SessionData } from '../stores/session-record.interface.js';

/**
 * One request's view of a session's data, copy-on-write over the loaded record's, which may be
 * the read cache's own, shared by concurrent requests: that object and its values are never
 * changed. The data object is copied (shallowly) before the first key is written, and an object
 * or array value is cloned once, into that copy, before it is handed to the app; a request that
 * reads only strings, numbers and booleans copies nothing.
 *
 * @internal
 */
export class CopyOnWriteData {
  /** Keys whose value is this view's own (written, or cloned here). */
  private readonly ownedValues = new Set<string>();

  constructor(
    private data: SessionData,
    /** `data` is this view's own already (a new session's). */
    private owned: boolean,
  ) {}

  /** The data as it stands, to read only: its values may be the loaded record's own. */
  get current(): Readonly<SessionData> {
    return this.data;
  }

  /**
   * The value under `key`, safe to hand to the app: an object or array from the loaded record
   * is cloned the first time, so changing it in place never reaches the record, and later reads
   * return that same copy.
   */
  read(key: string): unknown {
    const value = this.data[key];
    if (typeof value !== 'object' || value === null || this.ownedValues.has(key)) return value;
    if (!Object.hasOwn(this.data, key)) return value; // inherited (`__proto__`…): not session data
    const copy = structuredClone(value);
    this.set(key, copy);
    return copy;
  }

  /** `value` must be the caller's own (a copy made for it), or a primitive. */
  set(key: string, value: unknown): void {
    this.own()[key] = value;
    this.ownedValues.add(key);
  }

  delete(key: string): void {
    delete this.own()[key];
    this.ownedValues.delete(key);
  }

  private own(): SessionData {
    if (!this.owned) {
      this.data = { ...this.data };
      this.owned = true;
    }
    return this.data;
  }
}
