import { io } from 'socket.io-client';
import WebSocket from 'ws';
import type { SocketPlatform } from '../bench.variants.js';

/** A connected socket with at most one message in flight. */
export interface BenchSocket {
  /**
   * Sends `event` (no data) and resolves with the data of the reply of that event, as JSON
   * text; rejects on an `exception` reply or when the socket closes first.
   */
  request(event: string): Promise<string>;
  close(): void;
}

type Settle = { resolve(data: string): void; reject(error: Error): void };

/** The one pending request of a socket, settled by its reply, an exception or the close. */
class Pending {
  private current: (Settle & { event: string }) | undefined;
  closed: Error | undefined;

  wait(event: string): Promise<string> {
    if (this.closed) return Promise.reject(this.closed);
    if (this.current) return Promise.reject(new Error('a request is already in flight'));
    return new Promise((resolve, reject) => (this.current = { event, resolve, reject }));
  }

  reply(event: string, data: unknown): void {
    const current = this.current;
    if (current === undefined) return;
    this.current = undefined;
    if (event === current.event) current.resolve(JSON.stringify(data));
    else
      current.reject(
        new Error(`'${event}' in reply to '${current.event}': ${JSON.stringify(data)}`),
      );
  }

  close(reason: string): void {
    this.closed = new Error(`socket closed: ${reason}`);
    const current = this.current;
    this.current = undefined;
    current?.reject(this.closed);
  }
}

/** Connects to the gateway of the app at `baseUrl` (`http://…`), `cookie` in the handshake. */
export function connectSocket(
  platform: SocketPlatform,
  baseUrl: string,
  cookie: string,
): Promise<BenchSocket> {
  const headers: Record<string, string> = cookie ? { cookie } : {};
  return platform === 'ws' ? connectWs(baseUrl, headers) : connectIo(baseUrl, headers);
}

function connectIo(baseUrl: string, extraHeaders: Record<string, string>): Promise<BenchSocket> {
  // forceNew: one connection per socket (socket.io-client would multiplex them over one).
  const socket = io(baseUrl, {
    transports: ['websocket'],
    extraHeaders,
    reconnection: false,
    forceNew: true,
  });
  const pending = new Pending();
  socket.onAny((event: string, data: unknown) => pending.reply(event, data));
  socket.on('disconnect', (reason) => pending.close(reason));
  return new Promise((resolve, reject) => {
    socket.once('connect_error', reject);
    socket.once('connect', () =>
      resolve({
        request: (event) => {
          const reply = pending.wait(event);
          socket.emit(event);
          return reply;
        },
        close: () => socket.disconnect(),
      }),
    );
  });
}

function connectWs(baseUrl: string, headers: Record<string, string>): Promise<BenchSocket> {
  const socket = new WebSocket(baseUrl.replace(/^http/, 'ws'), { headers });
  const pending = new Pending();
  socket.on('message', (raw: WebSocket.RawData) => {
    const { event, data } = JSON.parse((raw as Buffer).toString('utf8')) as {
      event: string;
      data: unknown;
    };
    pending.reply(event, data);
  });
  socket.on('close', (code) => pending.close(`code ${code}`));
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('open', () =>
      resolve({
        request: (event) => {
          const reply = pending.wait(event);
          socket.send(JSON.stringify({ event }));
          return reply;
        },
        close: () => socket.close(),
      }),
    );
  });
}
