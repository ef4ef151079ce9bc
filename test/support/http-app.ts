import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Response } from 'supertest';

export type AdapterName = 'express' | 'fastify';
export const ADAPTERS: AdapterName[] = ['express', 'fastify'];

/** A Nest app on the given HTTP adapter, initialised and ready for supertest. */
export async function createHttpApp(
  adapter: AdapterName,
  metadata: ModuleMetadata,
): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule(metadata).compile();
  if (adapter === 'express') {
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    return app;
  }
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
    logger: false,
  });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

/** The `Set-Cookie` headers of a response, as an array. */
export function setCookies(response: Response): string[] {
  const header = response.headers['set-cookie'] as string | string[] | undefined;
  return header === undefined ? [] : [header].flat();
}

/** `name=value` of the cookie `name` set by a response, ready for a `Cookie` header. */
export function cookieFrom(response: Response, name = 'sid'): string | undefined {
  const found = setCookies(response).find((c) => c.startsWith(`${name}=`));
  return found?.split(';')[0];
}
