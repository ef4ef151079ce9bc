/** Where a confirmed password leads when `next` is missing or refused. */
export const DEFAULT_NEXT = '/account';

/**
 * `next` when it is a path on this site (`/security`, `/devices?x=1`), else {@link DEFAULT_NEXT}:
 * a redirect to it can never leave the app (no open redirect). Refused: anything not starting
 * with one `/` (`https://evil.example`, `//evil.example`, which browsers read as another host),
 * any backslash (`/\evil.example` is `//evil.example` to a browser), and anything but printable
 * ASCII (browsers drop tabs and newlines from URLs: `/\t/evil.example` would be `//…` too).
 */
export function localPath(next: unknown): string {
  if (typeof next !== 'string' || next.length > 2000) return DEFAULT_NEXT;
  const local = /^\/(?!\/)[!-~]*$/.test(next) && !next.includes('\\');
  return local ? next : DEFAULT_NEXT;
}
