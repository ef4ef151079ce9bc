import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { FreshAuthGuard } from '../guards/fresh-auth.guard.js';
import { parseDuration } from '../options/duration.util.js';
import type { Duration } from '../options/session-options.interface.js';
import { FRESH_AUTH_KEY } from '../session.constants.js';
import { SESSION_MESSAGES } from '../session.messages.js';

/**
 * Step-up authentication for a route, resolver or gateway handler (or a whole class): applies
 * `AuthGuard`'s check and refuses a session whose `authenticatedAt` (its `signIn` or
 * `SessionService.reauthenticate`) is older than `maxAge` — 403 with
 * `{ "statusCode": 403, "error": "ReauthenticationRequired" }`, or, for a browser when
 * `loginPath` is set, 303 to `loginPath?reauth=1&next=<path>`. A resolver gets a GraphQL error
 * (`extensions.code: 'FORBIDDEN'`), a gateway a `WsException('ReauthenticationRequired')`.
 *
 * @param maxAge e.g. `'10m'`, or milliseconds; a bad value throws when the class is defined.
 * @publicApi
 */
export function RequireFreshAuth(maxAge: Duration): MethodDecorator & ClassDecorator {
  const ms = parseDuration(maxAge);
  if (ms === undefined) throw new TypeError(SESSION_MESSAGES.requireFreshAuthMaxAge(shown(maxAge)));
  return applyDecorators(SetMetadata(FRESH_AUTH_KEY, ms), UseGuards(FreshAuthGuard));
}

/** A bad `maxAge` as written: a string quoted, a number as is (`NaN`, not JSON's `null`). */
function shown(value: unknown): string {
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value) ?? String(value);
}
