import { VerifiedCookieMemo } from './verified-cookie.memo.js';

/** A memo over a fake verifier that accepts values starting with `ok:` and counts its calls. */
function memo(maxEntries = 10) {
  const calls: string[] = [];
  const verify = (value: string) => {
    calls.push(value);
    return value.startsWith('ok:') ? { token: `t(${value})`, id: `h(${value})` } : null;
  };
  return { memo: new VerifiedCookieMemo(verify, maxEntries), calls };
}

describe('VerifiedCookieMemo', () => {
  it('verifies a value once, then answers it from memory', () => {
    const { memo: verified, calls } = memo();
    const first = verified.read('ok:a');
    expect(first).toEqual({ value: 'ok:a', token: 't(ok:a)', id: 'h(ok:a)' });
    expect(verified.read('ok:a')).toBe(first);
    expect(calls).toEqual(['ok:a']);
    expect(verified.size).toBe(1);
  });

  it('never remembers a value that does not verify: it is verified again every time', () => {
    const { memo: verified, calls } = memo();
    expect(verified.read('forged')).toBeNull();
    expect(verified.read('forged')).toBeNull();
    expect(calls).toEqual(['forged', 'forged']);
    expect(verified.size).toBe(0);
  });

  it('is bounded, forgetting the oldest value first (insertion order, not use)', () => {
    const { memo: verified, calls } = memo(2);
    verified.read('ok:1');
    verified.read('ok:2');
    verified.read('ok:1'); // a hit does not make it younger
    verified.read('ok:3');
    expect(verified.size).toBe(2);
    calls.splice(0);
    verified.read('ok:2');
    verified.read('ok:3');
    expect(calls).toEqual([]); // still remembered
    verified.read('ok:1');
    expect(calls).toEqual(['ok:1']); // the oldest went first
    expect(verified.size).toBe(2);
  });

  it('forgets a value on request: the next read verifies it again', () => {
    const { memo: verified, calls } = memo();
    verified.read('ok:a');
    verified.forget('ok:a');
    expect(verified.size).toBe(0);
    expect(verified.read('ok:a')).toEqual({ value: 'ok:a', token: 't(ok:a)', id: 'h(ok:a)' });
    expect(calls).toEqual(['ok:a', 'ok:a']);
  });
});
