import type { SessionData, SessionRecord } from '../session-record.interface.js';

/** A record as JSON inside the sealed cookie: dates as epoch milliseconds, to keep it short. */
interface SealedRecordJson {
  id: string;
  userId: string | null;
  data: SessionData;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  authenticatedAt: number | null;
  userAgent: string | null;
  ip: string | null;
}

/** The UTF-8 JSON of `record`, as sealed into the cookie. @internal */
export function serializeRecord(record: SessionRecord): Buffer {
  const json: SealedRecordJson = {
    id: record.id,
    userId: record.userId,
    data: record.data,
    createdAt: record.createdAt.getTime(),
    lastSeenAt: record.lastSeenAt.getTime(),
    expiresAt: record.expiresAt.getTime(),
    authenticatedAt: record.authenticatedAt?.getTime() ?? null,
    userAgent: record.userAgent,
    ip: record.ip,
  };
  return Buffer.from(JSON.stringify(json), 'utf8');
}

/** The record in `bytes`, or `null` when they are not the JSON `serializeRecord` writes. @internal */
export function deserializeRecord(bytes: Buffer): SessionRecord | null {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    return null;
  }
  if (!isSealedRecordJson(json)) return null;
  return {
    id: json.id,
    userId: json.userId,
    data: json.data,
    createdAt: new Date(json.createdAt),
    lastSeenAt: new Date(json.lastSeenAt),
    expiresAt: new Date(json.expiresAt),
    authenticatedAt: json.authenticatedAt === null ? null : new Date(json.authenticatedAt),
    userAgent: json.userAgent,
    ip: json.ip,
  };
}

function isSealedRecordJson(value: unknown): value is SealedRecordJson {
  if (typeof value !== 'object' || value === null) return false;
  const json = value as Record<keyof SealedRecordJson, unknown>;
  return (
    typeof json.id === 'string' &&
    isStringOrNull(json.userId) &&
    isDataObject(json.data) &&
    isTime(json.createdAt) &&
    isTime(json.lastSeenAt) &&
    isTime(json.expiresAt) &&
    (json.authenticatedAt === null || isTime(json.authenticatedAt)) &&
    isStringOrNull(json.userAgent) &&
    isStringOrNull(json.ip)
  );
}

function isStringOrNull(value: unknown): value is string | null {
  return value === null || typeof value === 'string';
}

function isDataObject(value: unknown): value is SessionData {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
