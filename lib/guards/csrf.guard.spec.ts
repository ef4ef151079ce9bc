import { ForbiddenException } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { resolveSessionOptions } from '../options/session-options.resolver.js';
import { SESSION_MESSAGES } from '../session.messages.js';
import { MemorySessionStore } from '../stores/memory/memory-session.store.js';
import { CsrfGuard } from './csrf.guard.js';
import type { CsrfRequest } from './csrf.guard.js';
import { standaloneLoader } from '../../test/support/standalone-loader.js';
import { httpExchange } from '../transports/http.transport.js';

const secret = 'csrf-guard-spec-secret-'.padEnd(40, 'x');

function contextOf(request: CsrfRequest): ExecutionContext {
  return {
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => ({}) }),
  } as unknown as ExecutionContext;
}

describe('CsrfGuard', () => {
  const store = new MemorySessionStore();
  const options = resolveSessionOptions({ secret, store });
  const loader = standaloneLoader(options, store);
  const guard = new CsrfGuard(loader);

  /** A request without a cookie whose (fresh) session has a CSRF token: returns both. */
  async function requestWithToken(
    method: string,
    headers: IncomingHttpHeaders = {},
    body?: unknown,
  ): Promise<{ request: CsrfRequest; token: string }> {
    const request: CsrfRequest = { method, headers: { host: 'app.test', ...headers }, body };
    const { handle } = await loader.load(httpExchange(request));
    return { request, token: handle.csrfToken() };
  }

  function check(request: CsrfRequest): Promise<boolean> {
    return guard.canActivate(contextOf(request));
  }

  async function refusal(request: CsrfRequest): Promise<string> {
    const error = await check(request).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ForbiddenException);
    expect((error as ForbiddenException).getStatus()).toBe(403);
    return (error as ForbiddenException).message;
  }

  it.each(['GET', 'HEAD', 'OPTIONS', 'get'])(
    'lets %s through without loading the session',
    async (method) => {
      const request: CsrfRequest = { method, headers: { 'sec-fetch-site': 'cross-site' } };
      await expect(check(request)).resolves.toBe(true);
      expect(httpExchange(request).asked).toBe(false);
    },
  );

  it.each(['POST', 'PUT', 'PATCH', 'DELETE'])(
    'accepts %s with the token in x-csrf-token',
    async (method) => {
      const { request, token } = await requestWithToken(method);
      request.headers['x-csrf-token'] = token;
      await expect(check(request)).resolves.toBe(true);
    },
  );

  it('accepts the token in the _csrf form field', async () => {
    const { request, token } = await requestWithToken('POST');
    request.body = { name: 'x', _csrf: token };
    await expect(check(request)).resolves.toBe(true);
  });

  it('refuses an unsafe request without a token', async () => {
    const { request } = await requestWithToken('POST', {}, { name: 'x' });
    expect(await refusal(request)).toBe(SESSION_MESSAGES.csrfTokenMissing());
  });

  it('refuses a wrong token, a token of another length, and an empty one', async () => {
    const { request, token } = await requestWithToken('POST');
    const wrong = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    for (const candidate of [wrong, `${token}x`, token.slice(1)]) {
      request.headers['x-csrf-token'] = candidate;
      expect(await refusal(request)).toBe(SESSION_MESSAGES.csrfTokenMismatch());
    }
    request.headers['x-csrf-token'] = '';
    request.body = { _csrf: '' };
    expect(await refusal(request)).toBe(SESSION_MESSAGES.csrfTokenMissing());
  });

  it('refuses a session that has no token yet, and does not create one', async () => {
    const request: CsrfRequest = {
      method: 'POST',
      headers: { host: 'app.test', 'x-csrf-token': 'anything' },
    };
    expect(await refusal(request)).toBe(SESSION_MESSAGES.csrfNoSessionToken());
    const { handle } = await loader.load(httpExchange(request));
    expect(handle.hasContent).toBe(false);
  });

  it('refuses a token of another session', async () => {
    const other = await requestWithToken('POST');
    const { request } = await requestWithToken('POST', { 'x-csrf-token': other.token });
    expect(await refusal(request)).toBe(SESSION_MESSAGES.csrfTokenMismatch());
  });

  it.each(['same-origin', 'none', 'Same-Origin'])('accepts Sec-Fetch-Site: %s', async (site) => {
    const { request, token } = await requestWithToken('POST', { 'sec-fetch-site': site });
    request.headers['x-csrf-token'] = token;
    await expect(check(request)).resolves.toBe(true);
  });

  it.each(['cross-site', 'same-site'])(
    'refuses Sec-Fetch-Site: %s even with the right token and Origin',
    async (site) => {
      const { request, token } = await requestWithToken('POST', {
        'sec-fetch-site': site,
        origin: 'http://app.test',
      });
      request.headers['x-csrf-token'] = token;
      expect(await refusal(request)).toBe(SESSION_MESSAGES.csrfCrossSite());
    },
  );

  it.each([
    ['http://app.test', 'app.test'],
    ['https://app.test', 'app.test:443'],
    ['http://127.0.0.1:3000', '127.0.0.1:3000'],
  ])('accepts Origin %s for Host %s (no Sec-Fetch-Site)', async (origin, host) => {
    const { request, token } = await requestWithToken('POST', { origin, host });
    request.headers['x-csrf-token'] = token;
    await expect(check(request)).resolves.toBe(true);
  });

  it.each([
    ['http://evil.test', 'app.test'],
    ['http://app.test:8080', 'app.test'],
    ['http://app.test.evil.test', 'app.test'],
    ['null', 'app.test'],
  ])('refuses Origin %s for Host %s, before loading the session', async (origin, host) => {
    const request: CsrfRequest = { method: 'POST', headers: { origin, host } };
    expect(await refusal(request)).toBe(SESSION_MESSAGES.csrfCrossSite());
    expect(httpExchange(request).asked).toBe(false);
  });

  it('refuses an Origin when the request has no Host', async () => {
    const request: CsrfRequest = { method: 'POST', headers: { origin: 'http://app.test' } };
    expect(await refusal(request)).toBe(SESSION_MESSAGES.csrfCrossSite());
  });

  it('lets a subclass change a policy, e.g. the expected host behind a proxy', async () => {
    class ProxiedCsrfGuard extends CsrfGuard {
      protected override expectedHost(): string {
        return 'public.example';
      }
    }
    const proxied = new ProxiedCsrfGuard(loader);
    const { request, token } = await requestWithToken('POST', {
      origin: 'https://public.example',
      host: 'internal:3000',
    });
    request.headers['x-csrf-token'] = token;
    await expect(proxied.canActivate(contextOf(request))).resolves.toBe(true);
    await expect(check(request)).rejects.toThrow(SESSION_MESSAGES.csrfCrossSite());
  });
});
