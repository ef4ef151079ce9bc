import { ApolloDriver } from '@nestjs/apollo';
import type { ApolloDriverConfig } from '@nestjs/apollo';
import type { DynamicModule, INestApplication, ModuleMetadata } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import type { MercuriusDriverConfig } from '@nestjs/mercurius';
import request from 'supertest';
import type { Test } from 'supertest';
import { createHttpApp } from '../support/http-app.js';
import type { AdapterName } from '../support/http-app.js';

/** The three GraphQL stacks of DESIGN §9, each with its driver's default context. */
export const GRAPHQL_DRIVERS = ['apollo-express', 'apollo-fastify', 'mercurius'] as const;
export type GraphqlDriverName = (typeof GRAPHQL_DRIVERS)[number];

/** A GraphQL context function, as the drivers call it (their arguments differ). */
export type GraphqlContextFunction = (...args: never[]) => object;

async function graphqlModule(
  driver: GraphqlDriverName,
  typeDefs: string,
  context: GraphqlContextFunction | undefined,
): Promise<DynamicModule> {
  if (driver === 'mercurius') {
    await import('./mercurius-under-jest.js'); // before Mercurius loads
    const { MercuriusDriver } = await import('@nestjs/mercurius');
    return GraphQLModule.forRoot<MercuriusDriverConfig>({
      driver: MercuriusDriver,
      typeDefs,
      context: context as MercuriusDriverConfig['context'],
    });
  }
  return GraphQLModule.forRoot<ApolloDriverConfig>({
    driver: ApolloDriver,
    typeDefs,
    graphiql: false,
    context,
  });
}

/**
 * A Nest app serving `typeDefs` at `/graphql` (and any controllers) on `driver`'s stack, with
 * the driver's default GraphQL context unless `context` is given.
 */
export async function createGraphqlApp(
  driver: GraphqlDriverName,
  typeDefs: string,
  metadata: ModuleMetadata,
  context?: GraphqlContextFunction,
): Promise<INestApplication> {
  const adapter: AdapterName = driver === 'apollo-express' ? 'express' : 'fastify';
  const imports = [...(metadata.imports ?? []), await graphqlModule(driver, typeDefs, context)];
  return createHttpApp(adapter, { ...metadata, imports });
}

/** POSTs one GraphQL operation as JSON, with `cookie` and extra headers when given. */
export function postGraphql(
  app: INestApplication,
  query: string,
  options: { cookie?: string; headers?: Record<string, string> } = {},
): Test {
  const req = request(app.getHttpServer()).post('/graphql').send({ query });
  if (options.cookie) void req.set('Cookie', options.cookie);
  for (const [name, value] of Object.entries(options.headers ?? {})) void req.set(name, value);
  return req;
}
