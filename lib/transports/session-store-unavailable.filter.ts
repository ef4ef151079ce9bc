import { Catch } from '@nestjs/common';
import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { SessionStoreUnavailableException } from '../errors/session-store-unavailable.exception.js';
import { STORE_RETRY_AFTER_SECONDS } from '../session.constants.js';
import { transportOf } from './session-transports.js';

/**
 * Answers a store outage with 503, `Retry-After` and a JSON body, on either HTTP adapter; in a
 * resolver or a gateway, the way that transport answers (a GraphQL error, a socket `exception`).
 */
@Catch(SessionStoreUnavailableException)
export class SessionStoreUnavailableFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: SessionStoreUnavailableException, host: ArgumentsHost): unknown {
    const transport = transportOf(host);
    if (transport?.answerStoreUnavailable) return transport.answerStoreUnavailable(exception, host);
    const adapter = this.adapterHost.httpAdapter;
    const response: unknown = host.switchToHttp().getResponse();
    adapter.setHeader(response, 'Retry-After', String(STORE_RETRY_AFTER_SECONDS));
    adapter.reply(response, exception.getResponse(), exception.getStatus());
    return undefined;
  }
}
