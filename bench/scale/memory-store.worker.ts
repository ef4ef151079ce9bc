import { createHash } from 'node:crypto';
import { MemorySessionStore } from '../../lib/index.js';
import type { SessionRecord } from '../../lib/index.js';

// Run with --expose-gc (forked by scale.runner.ts): fills a MemorySessionStore with signed-in
// sessions and reports the heap it took, over IPC: { type: 'result', sessions, heapDeltaBytes }.

const SESSIONS = Number(process.argv[2] ?? 100_000);
const USER_AGENT =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

function record(i: number): SessionRecord {
  const now = new Date();
  return {
    id: createHash('sha256').update(`session-${i}`).digest('base64url'),
    userId: `user-${i}`,
    data: { theme: 'dark', $csrf: createHash('sha256').update(`csrf-${i}`).digest('base64url') },
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + 86_400_000),
    authenticatedAt: now,
    userAgent: USER_AGENT,
    ip: '203.0.113.7',
  };
}

const heapUsed = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const store = new MemorySessionStore({ maxEntries: SESSIONS });
const before = heapUsed();
for (let i = 0; i < SESSIONS; i++) await store.create(record(i));
const after = heapUsed();
if (store.size !== SESSIONS) throw new Error(`store holds ${store.size} sessions, not ${SESSIONS}`);
process.send?.({ type: 'result', sessions: store.size, heapDeltaBytes: after - before }, () =>
  process.exit(0),
);
