import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { ResolvedSessionOptions } from '../options/session-options.interface.js';
import { RESOLVED_SESSION_OPTIONS } from '../session.constants.js';
import { SESSION_MESSAGES } from '../session.messages.js';
import { SessionExchange } from '../session/session-exchange.js';
import type { Session } from '../session/session.interface.js';
import { SessionCommitter } from '../session/session.committer.js';
import { SessionLoader } from '../session/session.loader.js';
import { onLocalInvalidation } from '../stores/session-invalidation.publisher.js';
import type { SessionInvalidation } from '../stores/session-record.interface.js';
import { SessionStore } from '../stores/session.store.js';
import { startCall, withDeadline } from '../stores/store-deadline.util.js';
import { closeSocket, handshakeOf, onSocketClosed } from './socket-client.util.js';
import type { SocketClient } from './socket-client.util.js';
import { captureUpgrades } from './ws-upgrade.capture.js';
import type { UpgradeServer } from './ws-upgrade.capture.js';
import { loadWsException } from './ws-exception.loader.js';

/** What the registry reads of a socket's session. */
type SocketSession = Pick<Session, 'id' | 'userId' | 'expiresAt' | 'isNew'>;

/** A socket whose session is known: which one, whose, and until when. */
interface Tracked {
  sessionId: string;
  userId: string | null;
  expiresAt: number;
  timer?: NodeJS.Timeout;
}

/** The longest delay `setTimeout` takes (about 24.8 days); a later expiry is re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Disconnects every socket whose session ends — signed out, revoked, revoked with all of its
 * user's sessions, on this instance or any other sharing the store, or expired — within
 * moments, through the store's invalidation channel (PostgreSQL `LISTEN/NOTIFY`, Redis
 * pub/sub, in process for memory) and a timer at each session's expiry. A session ended on
 * this instance is heard directly from its publisher, so its sockets here go at once even
 * where the channel does not work (no channel, or an unproven one: an embedded Postgres).
 *
 * A socket is tracked once a message of it has used its session (a guarded handler, or one
 * taking `@Session()`). The channel is subscribed to at the first such socket, so an app
 * without sockets holds no listening connection. While it is down (or where the store has
 * none, a sealed cookie store), a session ended on another instance is refused at its socket's
 * next message; when it comes (back) up, every tracked session is read again, so none ended
 * meanwhile stays.
 *
 * @internal
 */
@Injectable()
export class SessionSocketRegistry implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('SessionSockets');
  private readonly sockets = new Map<SocketClient, Tracked>();
  private readonly bySession: SocketIndex = new Map();
  private readonly byUser: SocketIndex = new Map();
  private subscribed = false;
  private stopped = false;
  private unsubscribe: (() => Promise<void>) | undefined;
  private stopCapture: (() => void) | undefined;
  private stopLocal: (() => void) | undefined;

  constructor(
    @Inject(RESOLVED_SESSION_OPTIONS) private readonly options: ResolvedSessionOptions,
    private readonly store: SessionStore,
    private readonly loader: SessionLoader,
    private readonly adapterHost: HttpAdapterHost,
    committer: SessionCommitter,
  ) {
    committer.onCommitted((exchange, handle) => {
      if (exchange.socket && !handle.isDestroyed)
        this.seen(exchange.socket as SocketClient, handle);
    });
  }

  /** Gateways are bound by now: capture `ws` upgrades if one listens on the app's server. */
  async onModuleInit(): Promise<void> {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as UpgradeServer | undefined;
    if (server && typeof server.prependListener === 'function') {
      this.stopCapture = captureUpgrades(server);
    }
    this.stopLocal = onLocalInvalidation(this.store, (event) => this.invalidate(event));
    await loadWsException();
  }

  /** Before TypeORM ends its pool: the listening connection goes back first, within `storeTimeout`. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.stopCapture?.();
    this.stopLocal?.();
    for (const client of [...this.sockets.keys()]) this.untrack(client);
    const unsubscribe = this.unsubscribe;
    this.unsubscribe = undefined;
    if (unsubscribe) await this.stop(unsubscribe);
  }

  /** A message of `client` used `session`: track the socket (or refresh what is known of it). */
  seen(client: SocketClient, session: SocketSession): void {
    if (this.stopped) return;
    const tracked = this.sockets.get(client);
    if (session.isNew) {
      if (tracked) this.end(client); // its cookie's session is gone: a missed invalidation
      return;
    }
    const expiresAt = session.expiresAt.getTime();
    if (
      tracked?.sessionId === session.id &&
      tracked.userId === session.userId &&
      tracked.expiresAt === expiresAt
    ) {
      return; // known as it is: nothing to re-index, no timer to re-arm
    }
    if (!tracked) onSocketClosed(client, () => this.untrack(client));
    else this.unindex(client, tracked);
    const next: Tracked = { sessionId: session.id, userId: session.userId, expiresAt };
    this.index(client, next);
    this.listen();
  }

  private invalidate(event: SessionInvalidation): void {
    if ('ids' in event) {
      for (const id of event.ids) members(this.bySession, id).forEach((client) => this.end(client));
      return;
    }
    for (const client of members(this.byUser, event.userId)) {
      if (this.sockets.get(client)?.sessionId !== event.except) this.end(client);
    }
  }

  /** Reads the socket's session again (at its expiry, or after the channel was down). */
  private async recheck(client: SocketClient): Promise<void> {
    const tracked = this.sockets.get(client);
    if (!tracked) return;
    const { cookieHeader, origin } = handshakeOf(client);
    try {
      const { handle } = await this.loader.load(
        new SessionExchange(cookieHeader, origin, { canSetCookie: false }),
      );
      if (this.sockets.get(client) === tracked) this.seen(client, handle);
    } catch {
      // the store is unreachable: that never logs anyone out; look again a little later
      if (this.sockets.get(client) !== tracked) return;
      clearTimeout(tracked.timer);
      tracked.timer = setTimeout(() => void this.recheck(client), this.options.storeTimeout);
      tracked.timer.unref();
    }
  }

  private end(client: SocketClient): void {
    this.untrack(client);
    closeSocket(client);
  }

  private untrack(client: SocketClient): void {
    const tracked = this.sockets.get(client);
    if (tracked) this.unindex(client, tracked);
  }

  private index(client: SocketClient, tracked: Tracked): void {
    this.sockets.set(client, tracked);
    add(this.bySession, tracked.sessionId, client);
    if (tracked.userId !== null) add(this.byUser, tracked.userId, client);
    const delay = Math.min(Math.max(tracked.expiresAt - Date.now(), 0), MAX_TIMER_MS);
    tracked.timer = setTimeout(() => void this.recheck(client), delay);
    tracked.timer.unref();
  }

  private unindex(client: SocketClient, tracked: Tracked): void {
    clearTimeout(tracked.timer);
    this.sockets.delete(client);
    remove(this.bySession, tracked.sessionId, client);
    if (tracked.userId !== null) remove(this.byUser, tracked.userId, client);
  }

  /** Subscribes once, at the first tracked socket; whenever it is (back) up, re-reads them all. */
  private listen(): void {
    if (this.subscribed) return;
    this.subscribed = true;
    const listener = {
      invalidate: (event: SessionInvalidation) => this.invalidate(event),
      connected: (up: boolean) => {
        if (up) for (const client of [...this.sockets.keys()]) void this.recheck(client);
      },
    };
    const timeout = this.options.storeTimeout;
    const late = (unsubscribe: () => Promise<void>) => this.keep(unsubscribe);
    const operation = 'listen for ended sessions';
    withDeadline(
      startCall(() => this.store.subscribeInvalidations(listener)),
      timeout,
      operation,
      late,
    )
      .then((unsubscribe) => this.keep(unsubscribe))
      .catch((error: unknown) =>
        this.logger.warn(SESSION_MESSAGES.socketInvalidationsUnavailable(String(error))),
      );
  }

  private keep(unsubscribe: () => Promise<void>): void {
    if (this.stopped) void this.stop(unsubscribe);
    else this.unsubscribe = unsubscribe;
  }

  private async stop(unsubscribe: () => Promise<void>): Promise<void> {
    try {
      await withDeadline(startCall(unsubscribe), this.options.storeTimeout, 'stop listening');
    } catch (error) {
      this.logger.warn(SESSION_MESSAGES.socketChannelStopFailed(String(error)));
    }
  }
}

type SocketIndex = Map<string, Set<SocketClient>>;

/** A copy: ending a socket changes the index while it is walked. */
function members(index: SocketIndex, key: string): SocketClient[] {
  return [...(index.get(key) ?? [])];
}

function add(index: SocketIndex, key: string, client: SocketClient): void {
  const clients = index.get(key);
  if (clients) clients.add(client);
  else index.set(key, new Set([client]));
}

function remove(index: SocketIndex, key: string, client: SocketClient): void {
  const clients = index.get(key);
  clients?.delete(client);
  if (clients?.size === 0) index.delete(key);
}
