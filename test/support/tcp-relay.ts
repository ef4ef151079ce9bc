import { connect, createServer } from 'node:net';
import { listenInFrontOf } from './loopback-proxy.util.js';
import type { Socket } from 'node:net';

/**
 * A loopback TCP relay that can freeze: like a network silently dropping packets, it then
 * holds every byte in both directions (connections stay open, new ones are accepted but
 * hear nothing) until thawed, when it delivers what it held, in order.
 */
export interface FreezableRelay {
  /** The target URL with host and port replaced by the relay's. */
  url: string;
  freeze(): void;
  thaw(): void;
  /** Drops every connection and stops listening. */
  close(): Promise<void>;
}

/** One direction of one connection: passes chunks on, or holds them while frozen. */
class Pipe {
  private held: Buffer[] = [];

  constructor(
    private readonly to: Socket,
    private readonly frozen: () => boolean,
  ) {}

  push(chunk: Buffer): void {
    if (this.frozen()) this.held.push(chunk);
    else this.to.write(chunk);
  }

  flush(): void {
    this.held.forEach((chunk) => this.to.write(chunk));
    this.held = [];
  }
}

/** Starts a relay on 127.0.0.1 (a free port) in front of the server at `targetUrl`. */
export async function startFreezableRelay(targetUrl: string): Promise<FreezableRelay> {
  const target = new URL(targetUrl);
  const sockets = new Set<Socket>();
  const pipes = new Set<Pipe>();
  let frozen = false;
  const isFrozen = () => frozen;

  const track = (socket: Socket): Socket => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    return socket;
  };

  const server = createServer((client) => {
    track(client);
    const upstream = track(connect(Number(target.port || 5432), target.hostname));
    const up = new Pipe(upstream, isFrozen);
    const down = new Pipe(client, isFrozen);
    pipes.add(up).add(down);
    client.on('data', (chunk) => up.push(chunk));
    upstream.on('data', (chunk) => down.push(chunk));
    client.on('close', () => {
      upstream.destroy();
      pipes.delete(up);
    });
    upstream.on('close', () => {
      client.destroy();
      pipes.delete(down);
    });
  });

  const url = await listenInFrontOf(server, targetUrl);

  return {
    url,
    freeze: () => {
      frozen = true;
    },
    thaw: () => {
      frozen = false;
      pipes.forEach((pipe) => pipe.flush());
    },
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((socket) => socket.destroy());
        server.close(() => resolve());
      }),
  };
}
