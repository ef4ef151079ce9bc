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

/**
 * Commits an exchange's session, writing its `Set-Cookie` through `writer` (if any);
 * `undefined` when it is done already (nothing to wait for).
 */
export type ExchangeCommit = (writer: CookieWriter | null) => Promise<void> | undefined;

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
  private pending: ExchangeCommit | undefined;
  private originOf: SessionOrigin | (() => SessionOrigin);

  constructor(
    /** The `Cookie` header the client sent, if any. */
    readonly cookieHeader: string | undefined,
    /** Who is on the other end, or how to find out: read only for a new session. */
    origin: SessionOrigin | (() => SessionOrigin),
    private readonly carrier: ExchangeCarrier = {},
  ) {
    this.originOf = origin;
  }

  get origin(): SessionOrigin {
    if (typeof this.originOf === 'function') this.originOf = this.originOf();
    return this.originOf;
  }

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
   * The session, loaded by `load` the first time it is asked for; `commit` then waits on the
   * exchange until its transport runs it, at the exchange's end ({@link commitPending}). A
   * failed load is forgotten.
   */
  session(load: () => Promise<LoadedSession>, commit: ExchangeCommit): Promise<LoadedSession> {
    if (this.loading) return this.loading;
    if (!this.committed) this.pending ??= commit;
    const loading: Promise<LoadedSession> = load().then(
      (loaded) => {
        if (!this.canSetCookie) loaded.handle.keepToken();
        return (this.settled = loaded);
      },
      (error: unknown) => {
        if (this.loading === loading) this.loading = undefined;
        throw this.translate(error);
      },
    );
    this.loading = loading;
    return loading;
  }

  /** Whether a commit waits for this exchange's end. */
  get hasPendingCommit(): boolean {
    return this.pending !== undefined;
  }

  /**
   * Runs the commit waiting on this exchange, if any (at most once): what to wait for, or
   * `undefined` when it is done already.
   */
  commitPending(writer: CookieWriter | null): Promise<void> | undefined {
    const commit = this.pending;
    this.pending = undefined;
    return commit?.(writer);
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
    this.pending = undefined;
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
