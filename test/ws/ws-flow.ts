import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { cookieFrom } from '../support/http-app.js';

/** Signs `userId` in over HTTP; the session cookie, ready for a `Cookie` header. */
export async function signInOverHttp(app: INestApplication, userId: string): Promise<string> {
  const res = await request(app.getHttpServer()).post('/login').send({ userId }).expect(200);
  return cookieFrom(res)!;
}

/** Milliseconds since `start` when `closed` resolves, or a failure past `limitMs`. */
export async function disconnectedWithin(
  closed: Promise<number>,
  start: number,
  limitMs = 2_000,
): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still connected after ${limitMs} ms`)), limitMs);
  });
  try {
    return (await Promise.race([closed, late])) - start;
  } finally {
    clearTimeout(timer);
  }
}

/** Prints measured figures when `WS_TIMINGS=1` (the lead's report), else nothing. */
export function report(label: string, ms: number): void {
  if (process.env.WS_TIMINGS === '1') console.log(`${label}: ${ms.toFixed(0)} ms`);
}
