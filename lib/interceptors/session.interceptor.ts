import { Injectable } from '@nestjs/common';
import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { catchError, concatMap } from 'rxjs';
import type { Observable } from 'rxjs';
import { transportOf } from '../transports/session-transports.js';
import { USES_SESSION_KEY } from '../session.constants.js';
import { SessionCommitter } from '../session/session.committer.js';
import { SessionLoader } from '../session/session.loader.js';

/**
 * Registered globally by `SessionModule`. Before the handler: loads the session if
 * the handler takes `@Session()`. After it, on success and on error alike: awaits the
 * commit, so the write and the cookie happen before the response goes out.
 *
 * @publicApi
 */
@Injectable()
export class SessionInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly loader: SessionLoader,
    private readonly committer: SessionCommitter,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const transport = transportOf(context);
    if (!transport) return next.handle();
    const exchange = transport.exchange(context);
    if (this.usesSession(context)) await this.loader.load(exchange);

    const commit = () => this.committer.commit(exchange, transport.cookieWriter(context));
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

  protected usesSession(context: ExecutionContext): boolean {
    return this.reflector.get<boolean | undefined>(USES_SESSION_KEY, context.getHandler()) === true;
  }
}
