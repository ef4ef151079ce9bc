import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { WsAdapter } from '@nestjs/platform-ws';
import { Test } from '@nestjs/testing';
import type { AdapterName } from '../support/http-app.js';

export type SocketPlatform = 'socket.io' | 'ws';
export const PLATFORMS: SocketPlatform[] = ['socket.io', 'ws'];

/** An app listening on loopback, its gateways on its own HTTP server, and the address. */
export interface ListeningApp {
  app: INestApplication;
  /** `http://127.0.0.1:<port>` */
  url: string;
}

/** A Nest app on `adapter` whose gateways run on `platform`, listening on a free port. */
export async function createSocketApp(
  adapter: AdapterName,
  platform: SocketPlatform,
  metadata: ModuleMetadata,
): Promise<ListeningApp> {
  const moduleRef = await Test.createTestingModule(metadata).compile();
  const app =
    adapter === 'express'
      ? moduleRef.createNestApplication({ logger: false })
      : moduleRef.createNestApplication(new FastifyAdapter(), { logger: false });
  app.useWebSocketAdapter(platform === 'ws' ? new WsAdapter(app) : new IoAdapter(app));
  await app.listen(0, '127.0.0.1');
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}` };
}
