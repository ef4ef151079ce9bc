import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { SESSION_MESSAGES } from '../../session.messages.js';
import type {
  SessionInvalidation,
  SessionInvalidationListener,
  SessionLimit,
  SessionLimitOutcome,
  SessionPatch,
  SessionRecord,
} from '../session-record.interface.js';
import { REFUSED, sessionsToRevoke } from '../session-limit.util.js';
import { SessionStore } from '../session.store.js';
import type { SessionStoreSettings } from '../session.store.js';
import type {
  RedisSessionClient,
  RedisSessionStoreOptions,
} from './redis-session-client.interface.js';
import { RedisInvalidationChannel } from './redis-invalidation.channel.js';
import { fromHash, indexScore, patchArguments, toHashFields } from './redis-session.fields.js';
import {
  CREATE_SESSION,
  DELETE_SESSION,
  DELETE_USER_SESSION,
  INDEX_ADD,
  INDEX_LIST,
  INDEX_REMOVE,
  LOCK_USER,
  PATCH_SESSION,
  UNLOCK_USER,
} from './redis-session.scripts.js';
import type { UserSessionOutcome } from './redis-session.scripts.js';

/**
 * Sessions in Redis, through an ioredis client (`Redis` or `Cluster`) the app creates and
 * closes: `new RedisSessionStore(new Redis(process.env.REDIS_URL), { prefix: 'sess:' })`.
 *
 * - Each session is a hash at `<prefix>{<id>}`: one field per data key (`d:<key>`, JSON) plus
 *   its metadata. A patch is one Lua script (one round trip) that checks the session is still
 *   live, writes and removes single fields and moves the key's expiry: concurrent patches of
 *   different keys all survive, a touch writes only the timestamps, and a deleted or expired
 *   session is never resurrected. `find` is one `HGETALL`.
 * - Every key expires (`PEXPIREAT`) with the session it serves, so Redis drops dead sessions
 *   itself: `deleteExpired` has nothing to do and returns 0.
 * - Each user's sessions are listed in a sorted set at `<prefix>user:{<userId>}`, scored by an
 *   upper bound of each session's expiry and expiring with its highest score, so it outlives
 *   every member; members whose score has passed are pruned at each write and each read,
 *   members whose session is gone when `findByUser` / `deleteByUser` meet them.
 *
 * Redis Cluster: every command and script touches exactly one key, so nothing needs two keys
 * in one slot; the hash tags (`{<id>}`, `{<userId>}`) place each key by its session or user,
 * spreading keys over the cluster. A session and its user's index are therefore written in two
 * steps, session first: `deleteByUser` can miss a session only while the call binding it to
 * the user is still running (for a new session, before its cookie has even been sent). Key
 * expiry follows Redis's clock; liveness checks follow this process's clock.
 *
 * Connection errors are not caught: the library answers 503. Give the client settings that
 * fail fast rather than queue forever (e.g. `maxRetriesPerRequest: 1`).
 *
 * @publicApi
 */
export class RedisSessionStore extends SessionStore {
  /** The start of every key this store writes. */
  protected readonly prefix: string;
  private readonly invalidations: RedisInvalidationChannel;
  /** `storeTimeout`: the lease of a user's lock, and the longest wait for it. */
  private timeout = 5_000;

  constructor(
    private readonly client: RedisSessionClient,
    options: RedisSessionStoreOptions = {},
  ) {
    super();
    this.prefix = options.prefix ?? 'sess:';
    this.invalidations = new RedisInvalidationChannel(client, this.prefix);
  }

  /** Bounds the invalidation channel's waits (`SUBSCRIBE`, `QUIT`) by `storeTimeout`. */
  override initialize(settings: SessionStoreSettings): Promise<void> {
    this.invalidations.configure(settings.timeout);
    this.timeout = settings.timeout;
    return Promise.resolve();
  }

  /** Read-cache invalidations over pub/sub (`<prefix>invalidations`). */
  override publishInvalidation(event: SessionInvalidation): Promise<void> {
    if (!this.invalidations.available) return super.publishInvalidation(event);
    return this.invalidations.publish(event);
  }

  override subscribeInvalidations(
    listener: SessionInvalidationListener,
  ): Promise<() => Promise<void>> {
    if (!this.invalidations.available) return super.subscribeInvalidations(listener);
    return this.invalidations.subscribe(listener);
  }

  async find(id: string, now: Date): Promise<SessionRecord | null> {
    const record = fromHash(id, await this.client.hgetall(this.sessionKey(id)));
    return record && record.expiresAt > now ? record : null;
  }

  async create(record: SessionRecord): Promise<void> {
    const { id, userId, expiresAt } = record;
    const indexed = userId !== null && expiresAt.getTime() > Date.now();
    const score = indexed ? indexScore(record) : null;
    const fields = toHashFields(record, score);
    await CREATE_SESSION.run(this.client, this.sessionKey(id), [expiresAt.getTime(), ...fields]);
    if (userId !== null && score !== null) await this.index(userId, id, score);
  }

  async patch(id: string, patch: SessionPatch): Promise<boolean> {
    const args = patchArguments(patch, new Date());
    const result = (await PATCH_SESSION.run(this.client, this.sessionKey(id), args)) as
      [string, string, string, string] | null;
    if (result === null) return false;
    const [, user, score, former] = result;
    await Promise.all([
      user === '' ? undefined : this.index(user, id, Number(score)),
      former === '' ? undefined : this.unindex(former, [id]),
    ]);
    return true;
  }

  async delete(id: string): Promise<void> {
    const user = (await DELETE_SESSION.run(this.client, this.sessionKey(id), [])) as string | null;
    if (user !== null) await this.unindex(user, [id]);
  }

  override async findByUser(userId: string, now: Date): Promise<SessionRecord[]> {
    const ids = await this.indexed(userId);
    const hashes = await Promise.all(ids.map((id) => this.client.hgetall(this.sessionKey(id))));
    const records = ids.map((id, i) => fromHash(id, hashes[i]));
    await this.unindex(
      userId,
      ids.filter((_, i) => records[i] === null),
    );
    return records
      .filter((r): r is SessionRecord => r !== null && r.userId === userId && r.expiresAt > now)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1));
  }

  /**
   * Deletes each listed session still bound to `userId` (one script per session: they may live
   * on different cluster nodes), then drops the deleted and vanished ones from the index.
   */
  override async deleteByUser(
    userId: string,
    exceptId?: string,
    report?: (ids: string[]) => void,
  ): Promise<number> {
    const ids = (await this.indexed(userId)).filter((id) => id !== exceptId);
    const now = Date.now();
    const outcomes = (await Promise.all(
      ids.map((id) => DELETE_USER_SESSION.run(this.client, this.sessionKey(id), [userId, now])),
    )) as UserSessionOutcome[];
    await this.unindex(
      userId,
      ids.filter((_, i) => outcomes[i] !== 'other'),
    );
    const deleted = ids.filter((_, i) => outcomes[i] === 'deleted');
    report?.(deleted);
    return deleted.length;
  }

  /**
   * Under the user's lock (`<prefix>lock:{<userId>}`, `SET NX PX` with a lease of
   * `storeTimeout`, in the user index's slot): the user's live sessions are counted, the oldest
   * deleted when `limit` says so, and `record` created, so that sign-ins of one user on any
   * number of instances are admitted one at a time.
   */
  override async createWithinLimit(
    record: SessionRecord,
    limit: SessionLimit,
    now: Date,
    replaces?: string,
  ): Promise<SessionLimitOutcome> {
    const userId = record.userId!;
    const release = await this.lockUser(userId);
    try {
      const revoked = sessionsToRevoke(await this.findByUser(userId, now), limit, replaces);
      if (revoked === null) return REFUSED;
      const at = now.getTime();
      await Promise.all([
        ...revoked.map((id) =>
          DELETE_USER_SESSION.run(this.client, this.sessionKey(id), [userId, at]),
        ),
        replaces === undefined ? undefined : this.delete(replaces),
      ]);
      await this.unindex(userId, revoked);
      await this.create(record);
      return { created: true, revoked };
    } finally {
      await release();
    }
  }

  /** Takes the user's lock, waiting for it at most `storeTimeout`; resolves to its release. */
  private async lockUser(userId: string): Promise<() => Promise<void>> {
    const key = `${this.prefix}lock:{${userId}}`;
    const holder = randomBytes(16).toString('base64url');
    const deadline = Date.now() + this.timeout;
    for (let wait = 2; ; wait = Math.min(wait * 2, 50)) {
      if ((await LOCK_USER.run(this.client, key, [holder, this.timeout])) === 1) break;
      if (Date.now() >= deadline) throw new Error(SESSION_MESSAGES.userLockTimedOut(this.timeout));
      await sleep(wait + Math.random() * wait);
    }
    return async () => {
      await UNLOCK_USER.run(this.client, key, [holder]);
    };
  }

  /** The key of the hash holding session `id`. */
  protected sessionKey(id: string): string {
    return `${this.prefix}{${id}}`;
  }

  /** The key of the sorted set listing the sessions of `userId`. */
  protected userKey(userId: string): string {
    return `${this.prefix}user:{${userId}}`;
  }

  private async index(userId: string, id: string, score: number): Promise<void> {
    await INDEX_ADD.run(this.client, this.userKey(userId), [Date.now(), id, score]);
  }

  private async indexed(userId: string): Promise<string[]> {
    return (await INDEX_LIST.run(this.client, this.userKey(userId), [Date.now()])) as string[];
  }

  private async unindex(userId: string, ids: string[]): Promise<void> {
    if (ids.length > 0) await INDEX_REMOVE.run(this.client, this.userKey(userId), ids);
  }
}
