import type { SessionHandle } from './session.handle.js';

/** One exchange's session as loaded: the handle and whether the client sent our cookie. */
export interface LoadedSession {
  handle: SessionHandle;
  cookieSent: boolean;
}

/** Who is on the other end, as the session records it at creation. */
export interface SessionOrigin {
  userAgent: string | null;
  ip: string | null;
}

/** Where a transport writes `Set-Cookie` headers; transports that cannot (a socket) have none. */
export interface CookieWriter {
  append(setCookie: string): void;
}

/** Commits an exchange's session, writing its `Set-Cookie` through `writer` (if any). */
export type ExchangeCommit = (writer: CookieWriter | null) => Promise<void>;

/** What the transport that made an exchange tells it about itself. */
export interface ExchangeCarrier {
  /**
   * `false` where the transport cannot set a cookie (a socket): the session's token is then
   * kept as loaded, so `signIn`, `regenerate` and `destroy` throw instead of losing the session.
   */
  canSetCookie?: boolean;
  /**
   * What this transport's client is told when loading or committing fails, where Nest's own
   * exception filters do not reach it (a socket): the error to throw instead.
   */
  failure?: (error: unknown) => unknown;
  /**
   * Where the commit goes once the session is first loaded: HTTP runs it from the response's
   * own end (before its headers go out). Absent, the commit waits on the exchange until the
   * transport runs it ({@link SessionExchange.commitPending}, after a socket message's handler);
   * so it does when the transport answers `false` (it found nowhere to run it).
   */
  scheduleCommit?: (commit: ExchangeCommit) => boolean;
  /** The socket a message came on, for the socket registry; absent elsewhere. */
  socket?: object;
}

/**
 * Everything the library keeps about one exchange (an HTTP request, a GraphQL operation, a
 * socket message), in one place: what the transport read from the client, the session once
 * loaded (lazily, once, by whoever asks first), and whether it was committed. Made by the
 * transport that sees the exchange first (see `session-transports.ts`); nothing else in the
 * library knows which transport it is.
 *
 * @internal
 */
export class SessionExchange {
  private loading: Promise<LoadedSession> | undefined;
  private settled: LoadedSession | undefined;
  private committed = false;
  private scheduled = false;
  private pending: ExchangeCommit | undefined;

  constructor(
    /** The `Cookie` header the client sent, if any. */
    readonly cookieHeader: string | undefined,
    readonly origin: SessionOrigin,
    private readonly carrier: ExchangeCarrier = {},
  ) {}

  /** Whether this exchange's transport can set a cookie (not a socket). */
  get canSetCookie(): boolean {
    return this.carrier.canSetCookie ?? true;
  }

  /** The socket a message came on; `undefined` for any other exchange. */
  get socket(): object | undefined {
    return this.carrier.socket;
  }

  /** The error to throw for `error`, in this transport's terms. */
  translate(error: unknown): unknown {
    return this.carrier.failure ? this.carrier.failure(error) : error;
  }

  /**
   * The session, loaded by `load` the first time it is asked for; `commit` is handed to the
   * transport then, once per exchange (an exchange that never asks commits nothing). A failed
   * load is forgotten.
   */
  session(load: () => Promise<LoadedSession>, commit: ExchangeCommit): Promise<LoadedSession> {
    if (this.loading) return this.loading;
    if (!this.scheduled) {
      this.scheduled = true;
      if (!this.carrier.scheduleCommit?.(commit)) this.pending = commit;
    }
    const loaded = load().catch((error: unknown) => {
      throw this.translate(error);
    });
    const loading = this.canSetCookie ? loaded : loaded.then(keepingToken);
    this.loading = loading;
    loading.then(
      (loaded) => (this.settled = loaded),
      () => {
        if (this.loading === loading) this.loading = undefined;
      },
    );
    return loading;
  }

  /** Runs the commit waiting on this exchange (one no transport took over), if any. */
  async commitPending(writer: CookieWriter | null): Promise<void> {
    const commit = this.pending;
    this.pending = undefined;
    if (commit) await commit(writer);
  }

  /** Whether anything asked for the session yet. */
  get asked(): boolean {
    return this.loading !== undefined;
  }

  /** The session once its load has finished, for synchronous readers (`@Session()`). */
  get loaded(): LoadedSession | undefined {
    return this.settled;
  }

  /**
   * The exchange was refused before its handler ran (`AuthGuard`'s 401, `CsrfGuard`'s 403): its
   * session is not committed, so a refused request neither touches nor clears anything.
   */
  refuse(): void {
    this.committed = true;
  }

  /**
   * The session to commit, once per exchange: `undefined` when nothing asked for it (nothing
   * to write) or when it was committed already.
   */
  takeForCommit(): Promise<LoadedSession> | undefined {
    if (!this.loading || this.committed) return undefined;
    this.committed = true;
    return this.loading;
  }
}

function keepingToken(loaded: LoadedSession): LoadedSession {
  loaded.handle.keepToken();
  return loaded;
}
