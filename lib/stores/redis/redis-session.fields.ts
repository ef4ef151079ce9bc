import type { SessionData, SessionPatch, SessionRecord } from '../session-record.interface.js';

/**
 * How a session lies in its Redis hash: each data key is a field `d:<key>` holding its JSON, so
 * a patch writes and removes single fields; the other fields are the record's metadata, dates
 * in epoch milliseconds, a `null` as no field at all. `ix` is the score of the session in its
 * user's index (never read back).
 */
const DATA_PREFIX = 'd:';

/** The hash's fields and values, in order, as HSET takes them. */
export function toHashFields(record: SessionRecord, indexScore: number | null): string[] {
  const fields = [
    'createdAt',
    ms(record.createdAt),
    'lastSeenAt',
    ms(record.lastSeenAt),
    'expiresAt',
    ms(record.expiresAt),
  ];
  const optional: [string, string | null][] = [
    ['userId', record.userId],
    ['authenticatedAt', record.authenticatedAt && ms(record.authenticatedAt)],
    ['userAgent', record.userAgent],
    ['ip', record.ip],
    ['ix', indexScore === null ? null : String(indexScore)],
  ];
  for (const [field, value] of optional) if (value !== null) fields.push(field, value);
  return [...fields, ...dataFields(record.data)];
}

/** The record a hash holds, or `null` for an empty hash (no such key). */
export function fromHash(id: string, hash: Record<string, string>): SessionRecord | null {
  if (hash.expiresAt === undefined) return null;
  const data: SessionData = {};
  for (const [field, value] of Object.entries(hash)) {
    if (field.startsWith(DATA_PREFIX)) data[field.slice(DATA_PREFIX.length)] = JSON.parse(value);
  }
  return {
    id,
    userId: hash.userId ?? null,
    data,
    createdAt: date(hash.createdAt),
    lastSeenAt: date(hash.lastSeenAt),
    expiresAt: date(hash.expiresAt),
    authenticatedAt: hash.authenticatedAt === undefined ? null : date(hash.authenticatedAt),
    userAgent: hash.userAgent ?? null,
    ip: hash.ip ?? null,
  };
}

/** The arguments of `PATCH_SESSION` (see its comment) for `patch`, live at `now`. */
export function patchArguments(patch: SessionPatch, now: Date): string[] {
  const set = dataFields(patch.set ?? {});
  return [
    ms(now),
    ms(patch.lastSeenAt),
    ms(patch.expiresAt),
    ...nullableArguments(patch.userId),
    ...nullableArguments(
      patch.authenticatedAt === undefined
        ? undefined
        : patch.authenticatedAt && ms(patch.authenticatedAt),
    ),
    String(set.length / 2),
    ...set,
    ...(patch.unset ?? []).map((key) => DATA_PREFIX + key),
  ];
}

/**
 * The score of a session in its user's index: an upper bound of its expiry, with one idle
 * window (`expiresAt - lastSeenAt`) of headroom so that touches seldom need to raise it.
 */
export function indexScore(record: Pick<SessionRecord, 'lastSeenAt' | 'expiresAt'>): number {
  const expires = record.expiresAt.getTime();
  return expires + Math.max(0, expires - record.lastSeenAt.getTime());
}

function dataFields(data: SessionData): string[] {
  return Object.entries(data).flatMap(([key, value]) => {
    const json = JSON.stringify(value) as string | undefined; // undefined is no value at all
    return json === undefined ? [] : [DATA_PREFIX + key, json];
  });
}

/** `[op, value]`: keep when `undefined`, clear when `null`, else set. */
function nullableArguments(value: string | null | undefined): [string, string] {
  if (value === undefined) return ['', ''];
  return value === null ? ['clear', ''] : ['set', value];
}

function ms(value: Date): string {
  return String(value.getTime());
}

function date(value: string): Date {
  return new Date(Number(value));
}
