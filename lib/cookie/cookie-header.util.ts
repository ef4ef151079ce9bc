/** Longest `Cookie` header read; a longer one is treated as carrying no session cookie. */
const MAX_COOKIE_HEADER_LENGTH = 8192;

/**
 * Every value a `Cookie` header carries under `name`, in header order, decoded as
 * `cookie.parse()` (v1) decodes a value (trimmed, `%XX` escapes read when valid). A
 * browser sends several cookies of one name when they differ in domain or path, e.g. one
 * planted from a sibling subdomain (cookie tossing): the caller keeps the first one that
 * verifies, not merely the first one.
 */
export function cookieValues(header: string | undefined, name: string): string[] {
  if (header === undefined || header.length > MAX_COOKIE_HEADER_LENGTH) return [];
  if (!header.includes(name)) return [];
  const values: string[] = [];
  let start = 0;
  while (start < header.length) {
    const end = nextSeparator(header, start);
    const equals = header.indexOf('=', start);
    if (equals !== -1 && equals < end && header.slice(start, equals).trim() === name) {
      values.push(decode(header.slice(equals + 1, end).trim()));
    }
    start = end + 1;
  }
  return values;
}

function nextSeparator(header: string, from: number): number {
  const index = header.indexOf(';', from);
  return index === -1 ? header.length : index;
}

function decode(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
