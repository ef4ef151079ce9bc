import { Catch } from '@nestjs/common';
import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { STORE_RETRY_AFTER_SECONDS } from '../session.constants.js';
import { SessionStoreUnavailableException } from './session-store-unavailable.exception.js';

/** Answers a store outage with 503, `Retry-After` and a JSON body, on either HTTP adapter. */
@Catch(SessionStoreUnavailableException)
export class SessionStoreUnavailableFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: SessionStoreUnavailableException, host: ArgumentsHost): void {
    const adapter = this.adapterHost.httpAdapter;
    const response: unknown = host.switchToHttp().getResponse();
    adapter.setHeader(response, 'Retry-After', String(STORE_RETRY_AFTER_SECONDS));
    adapter.reply(response, exception.getResponse(), exception.getStatus());
  }
}
