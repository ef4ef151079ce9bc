import { Inject, Injectable } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { requireTransport } from '../transports/session-transports.js';
import type { ResolvedSessionOptions } from '../options/session-options.interface.js';
import { IS_PUBLIC_KEY, RESOLVED_SESSION_OPTIONS } from '../session.constants.js';
import type { Session } from '../session/session.interface.js';
import { SessionLoader } from '../session/session.loader.js';

/**
 * Lets a request through when its session is signed in. Otherwise 401 with a JSON
 * body, or — when `loginPath` is set and the client is a browser (`Accept: text/html`)
 * — 303 to `loginPath`. Routes marked `@Public()` pass without loading the session.
 *
 * @publicApi
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    protected readonly reflector: Reflector,
    protected readonly loader: SessionLoader,
    @Inject(RESOLVED_SESSION_OPTIONS) protected readonly options: ResolvedSessionOptions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.isPublic(context)) return true;
    const transport = requireTransport(context);
    const exchange = transport.exchange(context);
    const { handle } = await this.loader.load(exchange);
    if (this.isAuthenticated(handle)) return true;
    transport.refused?.(exchange);
    return this.rejectAnonymous(context);
  }

  protected isPublic(context: ExecutionContext): boolean {
    return (
      this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, [
        context.getHandler(),
        context.getClass(),
      ]) === true
    );
  }

  protected isAuthenticated(session: Session): boolean {
    return session.userId !== null;
  }

  /** 401 (or 303 to `loginPath` for a browser) over HTTP; each transport refuses its own way. */
  protected rejectAnonymous(context: ExecutionContext): never {
    return requireTransport(context).rejectUnauthenticated(context, this.options.loginPath);
  }
}
