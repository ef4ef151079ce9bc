import { jest } from '@jest/globals';
import { sessionRecord } from '../../test/stores/session-record.factory.js';
import { MemorySessionStore } from '../stores/memory/memory-session.store.js';
import { SessionStoreGate } from '../stores/session-store.gate.js';
import { SessionTokenCodec, hashToken } from './session-token.codec.js';
import { SignedTokenCookie } from './signed-token.cookie.js';

describe('SignedTokenCookie: verified cookies remembered', () => {
  let codec: SessionTokenCodec;
  let store: MemorySessionStore;
  let cookies: SignedTokenCookie;
  let verified: string[];

  beforeEach(() => {
    codec = new SessionTokenCodec(['s'.repeat(32)]);
    store = new MemorySessionStore();
    cookies = new SignedTokenCookie(codec, store, new SessionStoreGate(1_000));
    verified = [];
    const verify = codec.verify.bind(codec);
    jest.spyOn(codec, 'verify').mockImplementation((value) => {
      verified.push(value ?? '');
      return verify(value);
    });
  });

  /** The signed cookie of a new session, kept in the store unless `kept` is false. */
  async function session(kept = true): Promise<{ cookie: string; id: string }> {
    const token = codec.generate();
    const id = hashToken(token);
    if (kept) await store.create(sessionRecord({ id }));
    return { cookie: codec.sign(token), id };
  }

  it('verifies a cookie once, then reads its session without verifying again', async () => {
    const a = await session();
    expect((await cookies.read([a.cookie], new Date()))?.record.id).toBe(a.id);
    expect((await cookies.read([a.cookie], new Date()))?.record.id).toBe(a.id);
    expect(verified).toEqual([a.cookie]);
  });

  it('forgets a cookie whose session the store does not have', async () => {
    const gone = await session(false);
    expect(await cookies.read([gone.cookie], new Date())).toBeNull();
    expect(await cookies.read([gone.cookie], new Date())).toBeNull();
    expect(verified).toEqual([gone.cookie, gone.cookie]);
  });

  it('forgets a remembered cookie once its session is deleted', async () => {
    const a = await session();
    await cookies.read([a.cookie], new Date());
    await store.delete(a.id);
    expect(await cookies.read([a.cookie], new Date())).toBeNull();
    await store.create(sessionRecord({ id: a.id })); // back (as a test can): verified afresh
    expect((await cookies.read([a.cookie], new Date()))?.record.id).toBe(a.id);
    expect(verified).toEqual([a.cookie, a.cookie]);
  });

  it('never remembers a forged value: it is verified on every request', async () => {
    const a = await session();
    const forged = `${a.cookie.slice(0, 44)}${'A'.repeat(43)}`;
    await cookies.read([forged, a.cookie], new Date());
    const found = await cookies.read([forged, a.cookie], new Date());
    expect(found?.record.id).toBe(a.id);
    expect(verified).toEqual([forged, a.cookie, forged]);
  });

  it('keeps header order: the first value that verifies wins, remembered or not', async () => {
    const a = await session();
    const b = await session();
    await cookies.read([b.cookie], new Date()); // b remembered
    expect((await cookies.read([a.cookie, b.cookie], new Date()))?.record.id).toBe(a.id);
    expect((await cookies.read([b.cookie, a.cookie], new Date()))?.record.id).toBe(b.id);
    expect((await cookies.read([a.cookie, b.cookie], new Date()))?.token).toBe(
      codec.verify(a.cookie),
    );
  });
});
