import { Injectable } from '@nestjs/common';
import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { catchError, concatMap } from 'rxjs';
import type { Observable } from 'rxjs';
import { USES_SESSION_KEY } from '../session.constants.js';
import { SessionCommitter } from '../session/session.committer.js';
import type { CookieWriter, SessionExchange } from '../session/session-exchange.js';
import { SessionLoader } from '../session/session.loader.js';
import { SessionSocketRegistry } from '../sockets/session-socket.registry.js';
import { transportOf } from '../transports/session-transports.js';
import { socketMessageOf } from '../transports/ws.transport.js';

/**
 * Registered globally by `SessionModule`. Before the handler: loads the session if
 * the handler takes `@Session()`. After it, on success and on error alike: awaits the
 * commit, so the write and the cookie happen before the response goes out. A transport whose
 * exchange spans several handlers (a GraphQL operation's resolvers) takes the commit over, to
 * run it once after the last of them (`SessionTransport.deferCommit`). After a socket message,
 * the socket is handed to the registry with its session as committed, so that it is
 * disconnected when that session ends.
 *
 * @publicApi
 */
@Injectable()
export class SessionInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly loader: SessionLoader,
    private readonly committer: SessionCommitter,
    private readonly sockets: SessionSocketRegistry,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const transport = transportOf(context);
    if (!transport) return next.handle();
    const exchange = transport.exchange(context);
    if (this.usesSession(context)) await this.loader.load(exchange);

    const commitTo = (writer: CookieWriter | null) => this.committer.commit(exchange, writer);
    if (transport.deferCommit?.(context, commitTo)) return next.handle(); // e.g. GraphQL
    const commit = async () => {
      try {
        await commitTo(transport.cookieWriter(context));
      } finally {
        this.trackSocket(context, exchange);
      }
    };
    return next.handle().pipe(
      concatMap(async (value: unknown) => {
        await commit();
        return value;
      }),
      catchError(async (error: unknown) => {
        await commit();
        throw error;
      }),
    );
  }

  /** A socket message's session, once loaded and committed, goes to the socket registry. */
  private trackSocket(context: ExecutionContext, exchange: SessionExchange): void {
    const loaded = exchange.loaded;
    if (!loaded || loaded.handle.isDestroyed) return;
    const message = socketMessageOf(context);
    if (message) this.sockets.seen(message.client, loaded.handle);
  }

  protected usesSession(context: ExecutionContext): boolean {
    return this.reflector.get<boolean | undefined>(USES_SESSION_KEY, context.getHandler()) === true;
  }
}
