import { createHash } from 'node:crypto';
import type { RedisSessionClient } from './redis-session-client.interface.js';

/**
 * A Lua script on exactly one key (so it runs on Redis Cluster whatever the slots), sent as
 * `EVALSHA` and, the first time a server has not seen it (`NOSCRIPT`), as `EVAL`.
 */
export class RedisScript {
  private readonly sha1: string;

  constructor(private readonly source: string) {
    this.sha1 = createHash('sha1').update(source).digest('hex');
  }

  async run(client: RedisSessionClient, key: string, args: (string | number)[]): Promise<unknown> {
    try {
      return await client.evalsha(this.sha1, 1, key, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return client.eval(this.source, 1, key, ...args);
    }
  }
}

/** Session hash: replaces it. ARGV: expiresAt (ms), then field/value pairs. */
export const CREATE_SESSION = new RedisScript(`
local key = KEYS[1]
redis.call('DEL', key)
for i = 2, #ARGV, 2 do
  redis.call('HSET', key, ARGV[i], ARGV[i + 1])
end
redis.call('PEXPIREAT', key, ARGV[1])
return 1
`);

/**
 * Session hash: patches it only while it is live, so a late patch never resurrects it.
 * ARGV: now, lastSeenAt, expiresAt, userOp ('' keep | 'set' | 'clear'), userId, authOp,
 * authenticatedAt, n, then n data field/value pairs, then the data fields to remove.
 * Returns nil when the session is missing or dead; else { '1', user to index ('' for none),
 * its index score, the user it was bound to before when that changed ('' otherwise) }. The
 * index score (field `ix`) is an upper bound of the expiry, raised with an idle window of
 * headroom only when the expiry passes it: most touches write nothing else.
 */
export const PATCH_SESSION = new RedisScript(`
local key = KEYS[1]
local expiresAt = redis.call('HGET', key, 'expiresAt')
if not expiresAt or tonumber(expiresAt) <= tonumber(ARGV[1]) then return nil end
local former = redis.call('HGET', key, 'userId')
redis.call('HSET', key, 'lastSeenAt', ARGV[2], 'expiresAt', ARGV[3])
if ARGV[4] == 'set' then redis.call('HSET', key, 'userId', ARGV[5])
elseif ARGV[4] == 'clear' then redis.call('HDEL', key, 'userId') end
if ARGV[6] == 'set' then redis.call('HSET', key, 'authenticatedAt', ARGV[7])
elseif ARGV[6] == 'clear' then redis.call('HDEL', key, 'authenticatedAt') end
local i = 9
for _ = 1, tonumber(ARGV[8]) do
  redis.call('HSET', key, ARGV[i], ARGV[i + 1])
  i = i + 2
end
for j = i, #ARGV do redis.call('HDEL', key, ARGV[j]) end
redis.call('PEXPIREAT', key, ARGV[3])
local user = redis.call('HGET', key, 'userId')
local result = { '1', '', '0', '' }
if former and former ~= user then result[4] = former end
if not user then
  redis.call('HDEL', key, 'ix')
  return result
end
local expires = tonumber(ARGV[3])
local indexed = tonumber(redis.call('HGET', key, 'ix') or '0')
if user ~= former or expires > indexed then
  local score = string.format('%.0f', expires + math.max(0, expires - tonumber(ARGV[2])))
  redis.call('HSET', key, 'ix', score)
  result[2] = user
  result[3] = score
end
return result
`);

/** Session hash: deletes it. Returns the user it was bound to, or nil. */
export const DELETE_SESSION = new RedisScript(`
local user = redis.call('HGET', KEYS[1], 'userId')
redis.call('DEL', KEYS[1])
return user
`);

/** What `DELETE_USER_SESSION` found. */
export type UserSessionOutcome = 'deleted' | 'dead' | 'missing' | 'other';

/**
 * Session hash: deletes it if it is bound to ARGV[1]. Returns 'deleted' (it was live at
 * ARGV[2]), 'dead' (deleted, but already expired), 'missing' or 'other' (bound to someone else).
 */
export const DELETE_USER_SESSION = new RedisScript(`
local fields = redis.call('HMGET', KEYS[1], 'userId', 'expiresAt')
if not fields[2] then return 'missing' end
if fields[1] ~= ARGV[1] then return 'other' end
redis.call('DEL', KEYS[1])
if tonumber(fields[2]) > tonumber(ARGV[2]) then return 'deleted' end
return 'dead'
`);

/** Per-user zset: drops members whose score is not after now (ARGV[1]). */
const PRUNE = `redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])`;

/**
 * Per-user zset: prunes it, adds (or raises) member ARGV[2] with score ARGV[3] if that is after
 * now, and makes the key expire with its highest score, so it outlives every member.
 */
export const INDEX_ADD = new RedisScript(`
${PRUNE}
local score = tonumber(ARGV[3])
local current = redis.call('ZSCORE', KEYS[1], ARGV[2])
if score > tonumber(ARGV[1]) and (not current or tonumber(current) < score) then
  redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2])
end
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if last[2] then redis.call('PEXPIREAT', KEYS[1], last[2]) end
return 1
`);

/** Per-user zset: prunes it and returns its members. */
export const INDEX_LIST = new RedisScript(`
${PRUNE}
return redis.call('ZRANGE', KEYS[1], 0, -1)
`);

/** Per-user zset: removes the members in ARGV. */
export const INDEX_REMOVE = new RedisScript(`
for i = 1, #ARGV do redis.call('ZREM', KEYS[1], ARGV[i]) end
return 1
`);

/** A user's lock (`maxSessionsPerUser`): takes it if free. ARGV: holder, lease (ms). Returns 1 if taken. */
export const LOCK_USER = new RedisScript(`
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0
`);

/**
 * A user's lock (`maxSessionsPerUser`): released only by the holder that took it, so a holder
 * whose lease ran out cannot release a later holder's. ARGV: the holder's random value.
 */
export const UNLOCK_USER = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);
