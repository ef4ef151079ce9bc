import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import WebSocket from 'ws';
import type { SocketPlatform } from './ws-app.js';

/** Nest's WS `exception` payload. */
export interface SocketException {
  status: string;
  message: string;
}

/** A test client for either platform: send a message, await the reply of that event. */
export interface TestSocket {
  /** Sends `event` and resolves with the data of the next reply named `event`, or rejects with the exception. */
  request<T>(event: string, data?: unknown): Promise<T>;
  /** Resolves, with `performance.now()`, when the server disconnects this socket. */
  readonly closed: Promise<number>;
  close(): void;
}

const REPLY_TIMEOUT_MS = 5_000;

/** Connects to the app at `url` sending `cookie` in the handshake; resolves once open. */
export function connectSocket(
  platform: SocketPlatform,
  url: string,
  cookie?: string,
): Promise<TestSocket> {
  const headers: Record<string, string> = cookie ? { Cookie: cookie } : {};
  return platform === 'ws' ? connectWs(url, headers) : connectIo(url, headers);
}

/** Pending replies by event; an `exception` rejects the oldest pending one. */
class Replies {
  private readonly pending: {
    event: string;
    resolve(data: unknown): void;
    reject(e: Error): void;
  }[] = [];

  wait(event: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const entry = { event, resolve, reject };
      this.pending.push(entry);
      setTimeout(() => {
        const at = this.pending.indexOf(entry);
        if (at >= 0) this.pending.splice(at, 1);
        reject(new Error(`no reply to '${event}' within ${REPLY_TIMEOUT_MS} ms`));
      }, REPLY_TIMEOUT_MS).unref();
    });
  }

  reply(event: string, data: unknown): void {
    const at = this.pending.findIndex((p) => p.event === event);
    if (at >= 0) this.pending.splice(at, 1)[0].resolve(data);
  }

  exception(payload: SocketException): void {
    const error = Object.assign(new Error(payload.message), { exception: payload });
    this.pending.shift()?.reject(error);
  }
}

function connectIo(url: string, extraHeaders: Record<string, string>): Promise<TestSocket> {
  const socket: Socket = io(url, { transports: ['websocket'], extraHeaders, reconnection: false });
  const replies = new Replies();
  socket.onAny((event: string, data: unknown) => {
    if (event === 'exception') replies.exception(data as SocketException);
    else replies.reply(event, data);
  });
  const closed = new Promise<number>((resolve) =>
    socket.on('disconnect', () => resolve(performance.now())),
  );
  return new Promise((resolve, reject) => {
    socket.once('connect_error', reject);
    socket.once('connect', () =>
      resolve({
        request: <T>(event: string, data?: unknown) => {
          const reply = replies.wait(event) as Promise<T>;
          socket.emit(event, data);
          return reply;
        },
        closed,
        close: () => socket.disconnect(),
      }),
    );
  });
}

function connectWs(url: string, headers: Record<string, string>): Promise<TestSocket> {
  const socket = new WebSocket(url.replace(/^http/, 'ws'), { headers });
  const replies = new Replies();
  socket.on('message', (raw: WebSocket.RawData) => {
    const { event, data } = JSON.parse((raw as Buffer).toString('utf8')) as {
      event: string;
      data: unknown;
    };
    if (event === 'exception') replies.exception(data as SocketException);
    else replies.reply(event, data);
  });
  const closed = new Promise<number>((resolve) =>
    socket.on('close', () => resolve(performance.now())),
  );
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('open', () =>
      resolve({
        request: <T>(event: string, data?: unknown) => {
          const reply = replies.wait(event) as Promise<T>;
          socket.send(JSON.stringify({ event, data }));
          return reply;
        },
        closed,
        close: () => socket.close(),
      }),
    );
  });
}
