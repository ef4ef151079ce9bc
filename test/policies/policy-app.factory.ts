import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { Response } from 'supertest';
import { SessionModule } from '../../lib/index.js';
import type { SessionModuleOptions, SessionStore } from '../../lib/index.js';
import { PoliciesController } from '../fixtures/policies.controller.js';
import type { MeBody } from '../fixtures/policies.controller.js';
import { cookieFrom, createHttpApp, setCookies } from '../support/http-app.js';
import type { AdapterName } from '../support/http-app.js';

export const POLICY_SECRET = 'a'.repeat(32);

/** An app with `PoliciesController` and `SessionModule` on `store` (no scheduled sweep). */
export function createPolicyApp(
  adapter: AdapterName,
  store: SessionStore,
  options: Omit<SessionModuleOptions, 'secret' | 'store'> = {},
): Promise<INestApplication> {
  return createHttpApp(adapter, {
    imports: [SessionModule.forRoot({ secret: POLICY_SECRET, store, cleanup: false, ...options })],
    controllers: [PoliciesController],
  });
}

/** supertest on an app's HTTP server. */
export function on(app: INestApplication) {
  return request(app.getHttpServer());
}

/** Signs `userId` in (from the session of `cookie`, if given); resolves to the new cookie. */
export async function signIn(
  app: INestApplication,
  userId: string,
  options: { rememberMe?: boolean; cookie?: string } = {},
): Promise<string> {
  const body =
    options.rememberMe === undefined ? { userId } : { userId, rememberMe: options.rememberMe };
  const req = on(app).post('/login').send(body);
  const res = await (options.cookie ? req.set('Cookie', options.cookie) : req).expect(200);
  const cookie = cookieFrom(res);
  if (cookie === undefined) throw new Error(`sign-in of ${userId} set no session cookie`);
  return cookie;
}

/** `GET /me` with `cookie`, expecting 200. */
export async function me(app: INestApplication, cookie: string): Promise<MeBody> {
  return (await on(app).get('/me').set('Cookie', cookie).expect(200)).body as MeBody;
}

/** The `sid` cookie a response set, whole (with its attributes). */
export function sessionCookieHeader(res: Response): string {
  const header = setCookies(res).find((c) => c.startsWith('sid='));
  if (header === undefined) throw new Error('the response set no sid cookie');
  return header;
}

/** The Max-Age, in seconds, of the `sid` cookie a response set. */
export function maxAgeOf(res: Response): number {
  const match = /;\s*Max-Age=(\d+)/i.exec(sessionCookieHeader(res));
  if (!match) throw new Error('the sid cookie has no Max-Age');
  return Number(match[1]);
}

/** The Expires, in epoch ms, of the `sid` cookie a response set. */
export function expiresOf(res: Response): number {
  const match = /;\s*Expires=([^;]+)/i.exec(sessionCookieHeader(res));
  if (!match) throw new Error('the sid cookie has no Expires');
  return new Date(match[1]).getTime();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The error an app's boot rejects with; an app that boots after all is closed and the test
 * fails.
 */
export async function bootError(boot: Promise<INestApplication>): Promise<Error> {
  let app: INestApplication;
  try {
    app = await boot;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`boot rejected with a non-Error: ${String(error)}`, { cause: error });
  }
  await app.close();
  throw new Error('the app booted; it was expected to fail');
}
