import type { SessionRecord } from '../session-record.interface.js';

/** A read waiting for its batch. */
interface WaitingRead {
  id: string;
  now: Date;
  resolve(record: SessionRecord | null): void;
  reject(error: unknown): void;
}

/**
 * Session reads that arrive together go to the database as one statement. Every read made
 * while the event loop handles one round of I/O (a burst of requests under load) waits until
 * that round ends (`setImmediate`, well under a millisecond), then one `WHERE id = ANY(...)`
 * answers them all: one pool checkout, one round trip and one wakeup instead of one each,
 * which cuts both the app's and the database's CPU per read. A read alone goes as a read of
 * one, as before. Each read keeps its own expiry check (`now`), and a failure fails each read
 * of the batch (each is answered 503 by the store gate, as any failed read).
 *
 * @internal
 */
export class SessionReadBatcher {
  private waiting: WaitingRead[] = [];

  constructor(
    private readonly readOne: (id: string, now: Date) => Promise<SessionRecord | null>,
    /** The live sessions among `ids` (expiring after `now`), in any order. */
    private readonly readMany: (ids: string[], now: Date) => Promise<SessionRecord[]>,
  ) {}

  find(id: string, now: Date): Promise<SessionRecord | null> {
    return new Promise((resolve, reject) => {
      if (this.waiting.push({ id, now, resolve, reject }) === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.waiting;
    this.waiting = [];
    if (batch.length === 1) {
      const [read] = batch;
      this.readOne(read.id, read.now).then(
        (record) => read.resolve(record),
        (error: unknown) => read.reject(error),
      );
      return;
    }
    let earliest = batch[0].now;
    for (const read of batch) if (read.now < earliest) earliest = read.now;
    const ids = [...new Set(batch.map((read) => read.id))];
    this.readMany(ids, earliest).then(
      (records) => {
        const byId = new Map(records.map((record) => [record.id, record]));
        for (const read of batch) {
          const record = byId.get(read.id);
          read.resolve(record && record.expiresAt > read.now ? record : null);
        }
      },
      (error: unknown) => {
        for (const read of batch) read.reject(error);
      },
    );
  }
}
