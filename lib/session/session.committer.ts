import { Inject, Injectable, InternalServerErrorException } from '@nestjs/common';
import { serialize } from 'cookie';
import { SessionCookieStrategy } from '../cookie/session-cookie.strategy.js';
import { SessionDataError } from '../errors/session-data.error.js';
import type { CookieWriter, LoadedSession, SessionExchange } from './session-exchange.js';
import type { ResolvedSessionOptions } from '../options/session-options.interface.js';
import { FLASH_KEY_PREFIX, RESOLVED_SESSION_OPTIONS } from '../session.constants.js';
import { SESSION_MESSAGES } from '../session.messages.js';
import type { SessionData } from '../stores/session-record.interface.js';
import { invalidSessionFields } from './session-data.validator.js';
import type { SessionHandle } from './session.handle.js';

/**
 * Writes an exchange's session after the handler, before the response: only what
 * changed, a touch at most once per `touchInterval`, nothing for an untouched
 * session, and never a session that another request deleted.
 */
@Injectable()
export class SessionCommitter {
  private readonly listeners: Array<(exchange: SessionExchange, handle: SessionHandle) => void> =
    [];
  /** Sessions whose touch is in flight on this instance. */
  private readonly touching = new Set<string>();

  constructor(
    @Inject(RESOLVED_SESSION_OPTIONS) private readonly options: ResolvedSessionOptions,
    private readonly cookies: SessionCookieStrategy,
  ) {}

  /**
   * Commits `exchange`'s session, once; `writer` is where its transport writes `Set-Cookie`
   * (`null` where it cannot). An exchange that never asked for its session commits nothing.
   * `undefined` when the commit is done already, with no store call to wait for (an unchanged
   * session within `touchInterval`, a cookie cleared): the response need not wait a tick.
   */
  commit(exchange: SessionExchange, writer: CookieWriter | null): Promise<void> | undefined {
    const taken = exchange.takeForCommit();
    if (!taken) return undefined;
    const loaded = exchange.loaded;
    if (loaded) return this.finish(exchange, loaded, writer);
    return taken.then(
      (loaded) => this.finish(exchange, loaded, writer),
      (error: unknown) => {
        throw exchange.translate(error);
      },
    );
  }

  /**
   * Calls `listener` after each exchange's commit (whether its write succeeded or not) with its
   * session as committed: the socket registry tracks a socket message's session this way.
   */
  onCommitted(listener: (exchange: SessionExchange, handle: SessionHandle) => void): void {
    this.listeners.push(listener);
  }

  private finish(
    exchange: SessionExchange,
    loaded: LoadedSession,
    writer: CookieWriter | null,
  ): Promise<void> | undefined {
    const done = () => {
      for (const listener of this.listeners) listener(exchange, loaded.handle);
    };
    let writing: Promise<void> | undefined;
    try {
      writing = this.write(loaded, writer);
    } catch (error) {
      done();
      const failure = exchange.translate(error);
      return Promise.resolve().then(() => {
        throw failure;
      });
    }
    if (!writing) {
      done();
      return undefined;
    }
    return writing.then(done, (error: unknown) => {
      done();
      throw exchange.translate(error);
    });
  }

  /** What the session needs: a store call (awaited), or nothing more than a cookie. */
  private write(
    { handle, cookieSent }: LoadedSession,
    writer: CookieWriter | null,
  ): Promise<void> | undefined {
    const now = new Date();
    if (handle.isDestroyed) {
      if (cookieSent) this.clearCookie(writer);
    } else if (this.shouldCreate(handle)) {
      this.assertValid(handle);
      return this.create(handle, now).then(() => this.stored(handle, now, writer));
    } else if (this.shouldPatch(handle)) {
      this.assertValid(handle);
      return this.patchStored(handle, now, writer);
    } else if (handle.isTokenUnsent) {
      this.stored(handle, handle.lastSeenAt, writer, now); // written at sign-in: the cookie only
    } else if (this.shouldTouch(handle, now)) {
      // Requests that read the session before a touch landed would each touch it again: under
      // load, a stampede of UPDATEs on one row. One touch in flight per session is enough.
      if (this.touching.has(handle.id)) return undefined;
      this.touching.add(handle.id);
      const id = handle.id;
      return this.patchStored(handle, now, writer).finally(() => this.touching.delete(id));
    } else if (this.shouldClearCookie(handle, cookieSent)) {
      this.clearCookie(writer);
    }
    return undefined;
  }

  /** Writes what changed (or only the new expiry); a session deleted meanwhile is not revived. */
  private patchStored(handle: SessionHandle, now: Date, writer: CookieWriter | null) {
    return this.patch(handle, now).then((found) => {
      if (found) this.stored(handle, now, writer);
      else this.clearCookie(writer); // deleted meanwhile (revoked, signed out): never resurrect
    });
  }

  /** A session not in the store yet, worth storing. */
  protected shouldCreate(handle: SessionHandle): boolean {
    return !handle.isStored && (this.options.saveUninitialized || handle.hasContent);
  }

  /** A stored session this request changed. */
  protected shouldPatch(handle: SessionHandle): boolean {
    return handle.isStored && handle.isModified;
  }

  /** A stored, unchanged session whose expiry was last written `touchInterval` ago or more. */
  protected shouldTouch(handle: SessionHandle, now: Date): boolean {
    return (
      handle.isStored && now.getTime() - handle.lastSeenAt.getTime() >= this.options.touchInterval
    );
  }

  /** The browser holds a cookie for a session that is not (or no longer) stored. */
  protected shouldClearCookie(handle: SessionHandle, cookieSent: boolean): boolean {
    return cookieSent && !handle.isStored;
  }

  private assertValid(handle: SessionHandle): void {
    // Measured only when data is written: a create, or a patch that sets keys (not a touch).
    if (!handle.isStored || handle.hasSetKeys) this.assertWithinMaxDataSize(handle.data);
    if (!this.options.dataClass || !handle.isModified) return;
    const fields = invalidSessionFields(this.options.dataClass, handle.userData);
    if (fields.length > 0) {
      throw new InternalServerErrorException(SESSION_MESSAGES.invalidSessionData(fields));
    }
  }

  /** `maxDataSize` bounds the bytes of the whole data as JSON; past it, the largest key is named. */
  private assertWithinMaxDataSize(data: Readonly<SessionData>): void {
    const limit = this.options.maxDataSize;
    const size = Buffer.byteLength(JSON.stringify(data));
    if (size <= limit) return;
    let [largest, largestSize] = ['', -1];
    for (const [key, value] of Object.entries(data)) {
      const keySize = Buffer.byteLength(JSON.stringify({ [key]: value })) - 2;
      if (keySize > largestSize) [largest, largestSize] = [key, keySize];
    }
    const shown = largest.startsWith(FLASH_KEY_PREFIX)
      ? `flash '${largest.slice(FLASH_KEY_PREFIX.length)}'`
      : `'${largest}'`;
    const message = SESSION_MESSAGES.sessionDataTooLarge(size, limit, shown, largestSize);
    throw new SessionDataError(message, largest);
  }

  private async create(handle: SessionHandle, now: Date): Promise<void> {
    await this.cookies.create(handle.toRecord(now));
  }

  /** Writes what changed; `false` when the session was deleted meanwhile. */
  private patch(handle: SessionHandle, now: Date): Promise<boolean> {
    return this.cookies.patch(handle.id, handle.toPatch(now));
  }

  /** The store holds the handle as seen `seenAt`: the cookie follows, its age counted from `now`. */
  private stored(
    handle: SessionHandle,
    seenAt: Date,
    writer: CookieWriter | null,
    now: Date = seenAt,
  ): void {
    handle.markStored(seenAt);
    const value = this.cookies.cookieValue(handle.token, handle.toRecord(seenAt));
    writer?.append(this.serialize(value, handle.expiresAt, now));
  }

  private clearCookie(writer: CookieWriter | null): void {
    writer?.append(this.serialize('', new Date(0), new Date(0)));
  }

  private serialize(value: string, expires: Date, now: Date): string {
    const { name, domain, ...flags } = this.options.cookie;
    const maxAge = Math.max(0, Math.floor((expires.getTime() - now.getTime()) / 1000));
    return serialize(name, value, { ...flags, domain, expires, maxAge });
  }
}
