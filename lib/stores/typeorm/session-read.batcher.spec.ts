import type { SessionRecord } from '../session-record.interface.js';
import { SessionReadBatcher } from './session-read.batcher.js';

function record(id: string, expiresAt: number): SessionRecord {
  const at = new Date(0);
  return {
    id,
    userId: null,
    data: {},
    createdAt: at,
    lastSeenAt: at,
    expiresAt: new Date(expiresAt),
    authenticatedAt: null,
    userAgent: null,
    ip: null,
  };
}

describe('SessionReadBatcher', () => {
  const stored = new Map([
    ['a', record('a', 10_000)],
    ['b', record('b', 2_000)],
  ]);
  let calls: string[];
  let failWith: Error | undefined;
  let batcher: SessionReadBatcher;

  beforeEach(() => {
    calls = [];
    failWith = undefined;
    batcher = new SessionReadBatcher(
      (id, now) => {
        calls.push(`one ${id}`);
        const found = stored.get(id);
        return Promise.resolve(found && found.expiresAt > now ? found : null);
      },
      (ids, now) => {
        calls.push(`many ${ids.join(',')} ${now.getTime()}`);
        if (failWith) return Promise.reject(failWith);
        const found = ids.map((id) => stored.get(id));
        return Promise.resolve(found.filter((r): r is SessionRecord => !!r && r.expiresAt > now));
      },
    );
  });

  it('reads a read made alone as a read of one', async () => {
    expect(await batcher.find('a', new Date(0))).toBe(stored.get('a'));
    expect(calls).toEqual(['one a']);
  });

  it('answers reads made together with one read of their distinct ids, from the earliest now', async () => {
    const found = await Promise.all([
      batcher.find('a', new Date(1_000)),
      batcher.find('missing', new Date(500)),
      batcher.find('a', new Date(1_500)),
    ]);
    expect(found).toEqual([stored.get('a'), null, stored.get('a')]);
    expect(calls).toEqual(['many a,missing 500']);
  });

  it('keeps each read its own expiry check', async () => {
    const [early, late] = await Promise.all([
      batcher.find('b', new Date(1_000)),
      batcher.find('b', new Date(3_000)),
    ]);
    expect(early).toBe(stored.get('b'));
    expect(late).toBeNull();
  });

  it('fails every read of a batch that fails, and starts afresh after it', async () => {
    failWith = new Error('connection reset');
    const reads = [batcher.find('a', new Date(0)), batcher.find('b', new Date(0))];
    for (const read of reads) await expect(read).rejects.toThrow('connection reset');
    failWith = undefined;
    expect(await batcher.find('a', new Date(0))).toBe(stored.get('a'));
    expect(calls).toEqual(['many a,b 0', 'one a']);
  });

  it('batches the reads of each round apart', async () => {
    const first = Promise.all([batcher.find('a', new Date(0)), batcher.find('b', new Date(0))]);
    await first;
    await Promise.all([batcher.find('b', new Date(0)), batcher.find('a', new Date(0))]);
    expect(calls).toEqual(['many a,b 0', 'many b,a 0']);
  });
});
