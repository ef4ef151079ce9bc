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

  constructor(
    /** The `Cookie` header the client sent, if any. */
    readonly cookieHeader: string | undefined,
    readonly origin: SessionOrigin,
    /**
     * `false` where the transport cannot set a cookie (a socket): the session's token is then
     * kept as loaded, so `signIn`, `regenerate` and `destroy` throw instead of losing the session.
     */
    readonly canSetCookie = true,
    /**
     * What this transport's client is told when loading or committing fails, where Nest's own
     * exception filters do not reach it (a socket): the error to throw instead.
     */
    private readonly failure: (error: unknown) => unknown = (error) => error,
  ) {}

  /** The error to throw for `error`, in this transport's terms. */
  translate(error: unknown): unknown {
    return this.failure(error);
  }

  /** The session, loaded by `load` the first time it is asked for. A failed load is forgotten. */
  session(load: () => Promise<LoadedSession>): Promise<LoadedSession> {
    if (this.loading) return this.loading;
    const loaded = load().catch((error: unknown) => {
      throw this.failure(error);
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

  /** Whether anything asked for the session yet. */
  get asked(): boolean {
    return this.loading !== undefined;
  }

  /** The session once its load has finished, for synchronous readers (`@Session()`). */
  get loaded(): LoadedSession | undefined {
    return this.settled;
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
