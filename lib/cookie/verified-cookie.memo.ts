/** A signed cookie value that verified: its exact text, the token in it and the session id. */
export interface VerifiedCookie {
  readonly value: string;
  readonly token: string;
  /** `hashToken(token)`: the store's key. */
  readonly id: string;
}

/**
 * Remembers which exact cookie texts verified, so a returning cookie costs a map lookup instead
 * of an HMAC per secret and a SHA-256.
 *
 * Safe because what it remembers is a pure function of the cookie text and of the secrets,
 * which never change for the instance that owns the memo (one per `SignedTokenCookie`): a hit
 * answers exactly what verifying again would. Only values that verified are ever stored, so a
 * forged or malformed value is verified (in constant time, as before) on every request and
 * cannot fill the memo. Bounded to `maxEntries`, oldest entry forgotten first (insertion
 * order, FIFO); the owner forgets a value whose session is gone, so dead cookies do not hold
 * memory.
 *
 * @internal
 */
export class VerifiedCookieMemo {
  private readonly entries = new Map<string, VerifiedCookie>();

  constructor(
    /** What `value` stands for when its signature is right, else `null`. */
    private readonly verify: (value: string) => Omit<VerifiedCookie, 'value'> | null,
    private readonly maxEntries: number,
  ) {}

  /** Values remembered now. */
  get size(): number {
    return this.entries.size;
  }

  /** `value` verified (from memory, or now, then remembered), or `null` when it does not verify. */
  read(value: string): VerifiedCookie | null {
    const known = this.entries.get(value);
    if (known) return known;
    const verified = this.verify(value);
    if (verified === null) return null;
    const cookie: VerifiedCookie = { value, token: verified.token, id: verified.id };
    this.entries.set(value, cookie);
    if (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
    return cookie;
  }

  /** Forgets `value` (its session is gone): the next read verifies it again. */
  forget(value: string): void {
    this.entries.delete(value);
  }
}
