import { createRequire } from 'node:module';
import { Inject, Injectable } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { SessionStoreUnavailableException } from '../errors/session-store-unavailable.exception.js';
import { httpExchange } from '../transports/http.transport.js';
import { transportOf } from '../transports/session-transports.js';
import type { HttpRequestLike } from '../http/http-exchange.util.js';
import { SESSION_MESSAGES } from '../session.messages.js';
import { SessionLoader } from '../session/session.loader.js';

/**
 * The part of `@nestjs/throttler`'s `ThrottlerGuard` that this guard builds on and that
 * subclasses override, declared here rather than imported: the optional peer never appears
 * in this package's types, so an app without it compiles with `skipLibCheck: false`.
 */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- a declaration: used as a type only
declare class ThrottlerGuardBase implements CanActivate {
  constructor(options: object, storageService: object, reflector: Reflector);
  onModuleInit(): Promise<void>;
  canActivate(context: ExecutionContext): Promise<boolean>;
  protected shouldSkip(context: ExecutionContext): Promise<boolean>;
  protected getTracker(request: object): Promise<string>;
  protected generateKey(context: ExecutionContext, suffix: string, name: string): string;
  protected getRequestResponse(context: ExecutionContext): { req: object; res: object };
}

/** Stands in for `ThrottlerGuard` when `@nestjs/throttler` is not installed: fails when used. */
class MissingThrottlerGuard {
  constructor() {
    throw new Error(SESSION_MESSAGES.throttlerMissing());
  }
}

/**
 * `@nestjs/throttler` is an optional peer dependency: loaded if installed (the app's own copy,
 * through Node's `require(esm)` interop), so that this package loads without it.
 */
function loadThrottlerGuard(): typeof ThrottlerGuardBase {
  try {
    const throttler = createRequire(import.meta.url)('@nestjs/throttler') as {
      ThrottlerGuard: typeof ThrottlerGuardBase;
    };
    return throttler.ThrottlerGuard;
  } catch (error) {
    if ((error as { code?: string }).code !== 'MODULE_NOT_FOUND') throw error;
    return MissingThrottlerGuard as unknown as typeof ThrottlerGuardBase;
  }
}

const ThrottlerGuard = loadThrottlerGuard();

/**
 * A `@nestjs/throttler` guard whose tracker is the session: each session loaded from the
 * store has its own counters, so one session's traffic never throttles another's. A request
 * without a stored session (no cookie, a bad cookie, a session created in this request)
 * is tracked by its client IP, as `ThrottlerGuard` does, so dropping the cookie does not
 * escape the limit. Limits come from `ThrottlerModule.forRoot()` as usual, and the counters
 * live in the throttler's storage: nothing is written into the session.
 *
 * Use it like `ThrottlerGuard`: `@UseGuards(SessionThrottlerGuard)` or
 * `{ provide: APP_GUARD, useClass: SessionThrottlerGuard }`. It loads the session (once per
 * request, shared with `AuthGuard` and `@Session()`); when the store is down it falls back to
 * the IP, so a throttled route that does not otherwise need the session keeps answering.
 *
 * Needs the optional peer dependency `@nestjs/throttler` (v6); without it, using the guard
 * fails with a message saying so, and the rest of the package works as usual.
 *
 * @publicApi
 */
@Injectable()
export class SessionThrottlerGuard extends ThrottlerGuard {
  /**
   * Injected as a property, so that this guard keeps `ThrottlerGuard`'s constructor as is:
   * subclasses need not repeat its injection tokens.
   */
  @Inject(SessionLoader)
  protected readonly sessionLoader!: SessionLoader;

  /**
   * The HTTP request and response, from the session's transport when it has them (a GraphQL
   * resolver: those carrying the operation), else as `ThrottlerGuard` reads them. Where the
   * response is out of reach, the rate-limit headers are left out; the limit still holds.
   */
  protected override getRequestResponse(context: ExecutionContext): { req: object; res: object } {
    const carried = transportOf(context)?.http?.(context);
    if (!carried) return super.getRequestResponse(context);
    return { req: carried.request, res: carried.response ?? {} };
  }

  /** `session:<id>` for a session loaded from the store, else the client IP. */
  protected override async getTracker(request: HttpRequestLike): Promise<string> {
    const sessionId = await this.storedSessionId(request);
    return sessionId === null ? super.getTracker(request) : `session:${sessionId}`;
  }

  /** The public id of the request's stored session; `null` for a new one or a store outage. */
  protected async storedSessionId(request: HttpRequestLike): Promise<string | null> {
    try {
      const { handle } = await this.sessionLoader.load(httpExchange(request));
      return handle.isNew ? null : handle.id;
    } catch (error) {
      if (error instanceof SessionStoreUnavailableException) return null;
      throw error;
    }
  }
}
