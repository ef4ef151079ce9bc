import { BadRequestException, Catch, PayloadTooLargeException } from '@nestjs/common';
import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { HTML_PAGE_HEADERS } from './html-page.decorator.js';
import { formErrorPage } from './views/form-error.view.js';

/**
 * "413 Payload Too Large" however it is raised: as Nest's `PayloadTooLargeException`, or by the
 * adapter's body parser before any route runs (Express's `body-parser`, past its 100 KB default,
 * and Fastify, past its 1 MB default, throw a plain error with `status`/`statusCode` 413). Used
 * with `@Catch()`, which matches with `instanceof`.
 */
abstract class PayloadTooLarge {
  static [Symbol.hasInstance](error: unknown): boolean {
    if (error instanceof PayloadTooLargeException) return true;
    const { status, statusCode } = (error ?? {}) as { status?: unknown; statusCode?: unknown };
    return error instanceof Error && (status === 413 || statusCode === 413);
  }
}

/**
 * A form the app refuses (a field too long, a control character in the username, a body past
 * the parser's limit) is answered with a page saying why and a way back, never Nest's JSON:
 * whatever a script posts, a person (or a test) sees a clear page, with the status kept
 * (400, or 413). The session is never involved, so no hostile input reaches it. Only for
 * HTTP routes: a GraphQL resolver or a socket message gets its transport's own error.
 */
@Catch(BadRequestException, PayloadTooLarge)
export class FormErrorFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: Error, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception; // GraphQL and sockets answer in their own way
    const adapter = this.adapterHost.httpAdapter;
    const http = host.switchToHttp();
    const response: unknown = http.getResponse();
    const signingIn = String(adapter.getRequestUrl(http.getRequest())).split('?')[0] === '/login';
    const tooLarge = exception instanceof PayloadTooLarge;
    const page = formErrorPage({
      reasons: tooLarge ? ['The form you sent is too large for this app.'] : reasonsOf(exception),
      back: signingIn
        ? { href: '/login', label: 'Back to the sign-in form' }
        : { href: '/account', label: 'Back to your account' },
    });
    for (const [name, value] of Object.entries(HTML_PAGE_HEADERS)) {
      adapter.setHeader(response, name, value);
    }
    adapter.reply(response, page, tooLarge ? 413 : 400);
  }
}

/** The messages of a `BadRequestException` (the `ValidationPipe` gives one per failed rule). */
function reasonsOf(exception: Error): string[] {
  const body = exception instanceof BadRequestException ? exception.getResponse() : undefined;
  const message = (body as { message?: unknown } | undefined)?.message;
  const reasons = [message].flat().filter((m): m is string => typeof m === 'string');
  return reasons.length > 0 ? [...new Set(reasons)] : ['The form you sent is not valid.'];
}
