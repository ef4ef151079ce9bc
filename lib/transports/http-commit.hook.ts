import { Injectable } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { commitBeforeSend, holdResponsesForCommit } from './http-commit.util.js';

/** The parts of a Fastify instance and an Express app used here: neither is a dependency. */
interface FastifyHooks {
  addHook(name: 'onSend', hook: typeof commitBeforeSend): unknown;
}
interface ExpressApp {
  response?: object;
}

/**
 * Runs each HTTP exchange's commit (left on it when its session was first loaded) from the
 * response's own end, once, after the handler (or every resolver of a GraphQL operation,
 * whichever driver answers) and before the response goes out: on Fastify from an `onSend` hook,
 * on Express by holding the app's responses' `write` and `end`. A response whose exchange has
 * nothing to commit passes straight through. Set up at module init, before Fastify is ready.
 */
@Injectable()
export class HttpCommitHook implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter as HttpAdapterHost['httpAdapter'] | undefined;
    if (adapter?.getType() === 'fastify') {
      adapter.getInstance<FastifyHooks>().addHook('onSend', commitBeforeSend);
    } else if (adapter?.getType() === 'express') {
      const response = adapter.getInstance<ExpressApp>().response;
      if (response) holdResponsesForCommit(response);
    }
  }
}
