import type { DynamicModule, INestApplication, Provider } from '@nestjs/common';
import type { ApolloDriverConfig } from '@nestjs/apollo';
import type { MercuriusDriverConfig } from '@nestjs/mercurius';
import { transportOf } from '../bench.variants.js';
import type { Variant } from '../bench.variants.js';

// The GraphQL and WebSocket variants: the HTTP variant's app (its controller signs in over
// `POST /login`) plus a GraphQL module and resolver, or a gateway. Their packages are loaded
// only for those variants, so the HTTP variants' servers run exactly what they did before.
// Ours and ours + cache get the same resolver or gateway: the cache is a module option only.

/** `module` with the variant's GraphQL module and resolver, or its gateway, added. */
export async function withTransport(
  variant: Variant,
  module: DynamicModule,
): Promise<DynamicModule> {
  const ours = variant.family === 'ours';
  const add = (imports: DynamicModule[], provider: Provider): DynamicModule => ({
    ...module,
    imports: [...(module.imports ?? []), ...imports],
    providers: [...(module.providers ?? []), provider],
  });
  switch (transportOf(variant)) {
    case 'http':
      return module;
    case 'apollo':
    case 'mercurius': {
      const { ME_SDL, FloorMeResolver, OursMeResolver } = await import('./me.resolvers.js');
      return add([await graphqlModule(variant, ME_SDL)], ours ? OursMeResolver : FloorMeResolver);
    }
    case 'socket.io':
    case 'ws': {
      const { FloorMeGateway, OursMeGateway } = await import('./me.gateways.js');
      return add([], ours ? OursMeGateway : FloorMeGateway);
    }
  }
}

/** Each driver at its defaults, with its default context (what the README asks of an app). */
async function graphqlModule(variant: Variant, typeDefs: string): Promise<DynamicModule> {
  const { GraphQLModule } = await import('@nestjs/graphql');
  if (transportOf(variant) === 'mercurius') {
    const { MercuriusDriver } = await import('@nestjs/mercurius');
    return GraphQLModule.forRoot<MercuriusDriverConfig>({ driver: MercuriusDriver, typeDefs });
  }
  const { ApolloDriver } = await import('@nestjs/apollo');
  return GraphQLModule.forRoot<ApolloDriverConfig>({
    driver: ApolloDriver,
    typeDefs,
    graphiql: false,
  });
}

/** Puts the variant's gateways on its platform (before the app is initialised); else nothing. */
export async function useSocketPlatform(variant: Variant, app: INestApplication): Promise<void> {
  const transport = transportOf(variant);
  if (transport === 'socket.io') {
    const { IoAdapter } = await import('@nestjs/platform-socket.io');
    app.useWebSocketAdapter(new IoAdapter(app));
  } else if (transport === 'ws') {
    const { WsAdapter } = await import('@nestjs/platform-ws');
    app.useWebSocketAdapter(new WsAdapter(app));
  }
}
