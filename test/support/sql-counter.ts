import { connect, createServer } from 'node:net';
import { listenInFrontOf } from './loopback-proxy.util.js';
import type { Socket } from 'node:net';

/** A loopback proxy between `pg` and Postgres that records every statement executed. */
export interface SqlProxy {
  /** The target URL with host and port replaced by the proxy's. */
  url: string;
  /**
   * The SQL of every statement executed since the last {@link reset}, in order: each simple
   * Query, and each Execute of the extended protocol (a prepared statement run twice counts
   * twice). With `filter`, only those matching it, e.g. `/\bsessions\b/`.
   */
  statements(filter?: RegExp): string[];
  /** Forgets the statements recorded so far. */
  reset(): void;
  /** Drops every open connection and refuses new ones (an outage), until {@link restore}. */
  cut(): void;
  /** Accepts connections again after {@link cut}. */
  restore(): void;
  /** Drops every connection and stops listening. */
  close(): Promise<void>;
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const NO_ENCRYPTION = Buffer.from('N');

/**
 * Reads one connection's frontend messages: the untyped start-up phase (SSLRequest and
 * GSSENCRequest answered 'N' here, StartupMessage and CancelRequest passed on), then typed
 * messages, tracking prepared statements and portals to name what each Execute runs.
 */
class FrontendReader {
  private buffer = Buffer.alloc(0);
  private started = false;
  private readonly preparedSql = new Map<string, string>();
  private readonly portalSql = new Map<string, string>();

  constructor(
    private readonly record: (sql: string) => void,
    private readonly answer: (bytes: Buffer) => void,
  ) {}

  /** Consumes a chunk; returns the complete messages to forward to the server. */
  read(chunk: Buffer): Buffer {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const forward: Buffer[] = [];
    for (;;) {
      const message = this.next();
      if (!message) break;
      if (this.started) this.onTyped(message);
      else if (this.onUntyped(message)) continue;
      forward.push(message);
    }
    return Buffer.concat(forward);
  }

  private next(): Buffer | undefined {
    const header = this.started ? 5 : 4;
    if (this.buffer.length < header) return undefined;
    const length = this.started ? 1 + this.buffer.readInt32BE(1) : this.buffer.readInt32BE(0);
    if (this.buffer.length < length) return undefined;
    const message = this.buffer.subarray(0, length);
    this.buffer = this.buffer.subarray(length);
    return message;
  }

  /** @returns true when the message was answered here and must not be forwarded. */
  private onUntyped(message: Buffer): boolean {
    if (message.length < 8) return false; // malformed: let the server answer it
    const code = message.readInt32BE(4);
    if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
      this.answer(NO_ENCRYPTION);
      return true;
    }
    this.started = code >>> 16 === 3; // protocol 3.x: a StartupMessage, typed messages follow
    return false;
  }

  private onTyped(message: Buffer): void {
    const fields = cStrings(message.subarray(5), 2);
    switch (String.fromCharCode(message[0])) {
      case 'Q':
        this.record(fields[0]);
        break;
      case 'P':
        this.preparedSql.set(fields[0], fields[1]);
        break;
      case 'B':
        this.portalSql.set(fields[0], this.preparedSql.get(fields[1]) ?? '');
        break;
      case 'E':
        this.record(this.portalSql.get(fields[0]) ?? '');
        break;
    }
  }
}

/** The first `count` NUL-terminated strings of a message body. */
function cStrings(body: Buffer, count: number): string[] {
  const strings: string[] = [];
  let start = 0;
  while (strings.length < count) {
    const end = body.indexOf(0, start);
    if (end < 0) break;
    strings.push(body.toString('utf8', start, end));
    start = end + 1;
  }
  return strings;
}

/**
 * Starts a proxy on 127.0.0.1 (a free port) in front of the Postgres at `targetUrl`. Point
 * the DataSource at `proxy.url` to count the statements a code path runs.
 */
export async function startSqlProxy(targetUrl: string): Promise<SqlProxy> {
  const target = new URL(targetUrl);
  const targetPort = Number(target.port || 5432);
  const recorded: string[] = [];
  const sockets = new Set<Socket>();
  let refusing = false;

  const track = (socket: Socket): Socket => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    return socket;
  };

  const server = createServer((client) => {
    if (refusing) {
      client.destroy();
      return;
    }
    track(client);
    const upstream = track(connect(targetPort, target.hostname));
    const reader = new FrontendReader(
      (sql) => recorded.push(sql),
      (bytes) => client.write(bytes),
    );
    client.on('data', (chunk) => {
      const forward = reader.read(chunk);
      if (forward.length > 0) upstream.write(forward);
    });
    upstream.on('data', (chunk) => client.write(chunk));
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });

  const url = await listenInFrontOf(server, targetUrl);

  const dropAll = (): void => sockets.forEach((socket) => socket.destroy());
  return {
    url,
    statements: (filter) => recorded.filter((sql) => !filter || filter.test(sql)),
    reset: () => void recorded.splice(0),
    cut: () => {
      refusing = true;
      dropAll();
    },
    restore: () => {
      refusing = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        dropAll();
        server.close(() => resolve());
      }),
  };
}
