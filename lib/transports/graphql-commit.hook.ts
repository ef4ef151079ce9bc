import { Injectable } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { commitBeforeSend } from './graphql-commit.util.js';

/** The part of a Fastify instance this hook uses, declared here: Fastify is not a dependency. */
interface FastifyHooks {
  addHook(name: 'onSend', hook: typeof commitBeforeSend): unknown;
}

/**
 * On Fastify, commits a GraphQL operation's session (scheduled by its resolvers) from an
 * `onSend` hook, so that it runs once, after every resolver, and before the reply goes out,
 * whichever driver (Apollo or Mercurius) answers. A reply with nothing scheduled passes
 * straight through. Registered at module init, before Fastify is ready; nothing on Express.
 */
@Injectable()
export class GraphqlCommitHook implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter as HttpAdapterHost['httpAdapter'] | undefined;
    if (adapter?.getType() !== 'fastify') return;
    adapter.getInstance<FastifyHooks>().addHook('onSend', commitBeforeSend);
  }
}
