import { Injectable } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { commitBeforeSend } from './http-commit.util.js';

/** The part of a Fastify instance this hook uses, declared here: Fastify is not a dependency. */
interface FastifyHooks {
  addHook(name: 'onSend', hook: typeof commitBeforeSend): unknown;
}

/**
 * On Fastify, commits an exchange's session (scheduled when it was first loaded) from an
 * `onSend` hook, so that it runs once, after the handler (or every resolver of a GraphQL
 * operation, whichever driver answers) and before the reply goes out. A reply with nothing
 * scheduled passes straight through. Registered at module init, before Fastify is ready;
 * nothing on Express (see `commitBeforeResponse`).
 */
@Injectable()
export class HttpCommitHook implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter as HttpAdapterHost['httpAdapter'] | undefined;
    if (adapter?.getType() !== 'fastify') return;
    adapter.getInstance<FastifyHooks>().addHook('onSend', commitBeforeSend);
  }
}
