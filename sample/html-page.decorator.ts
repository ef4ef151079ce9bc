import { Header, applyDecorators } from '@nestjs/common';

/**
 * Headers of every HTML page of the sample: `text/html`, and a Content-Security-Policy that
 * allows only the page's own inline styles and forms posting back to this app (no scripts
 * at all), and no framing (clickjacking).
 */
export const HTML_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  'Cache-Control': 'no-store',
};

/**
 * Headers of the signed-in pages, which keep a socket open to be told when their session ends
 * (see `views/live-session.script.ts`): as {@link HTML_PAGE_HEADERS}, plus scripts and
 * connections to this app only (no inline script, nothing from elsewhere).
 */
export const LIVE_HTML_PAGE_HEADERS: Readonly<Record<string, string>> = {
  ...HTML_PAGE_HEADERS,
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'self'; connect-src 'self'; " +
    "form-action 'self'; frame-ancestors 'none'",
};

/**
 * Sends {@link HTML_PAGE_HEADERS} with a handler's response, or {@link LIVE_HTML_PAGE_HEADERS}
 * with `{ live: true }` (a signed-in page, whose layout adds the socket's scripts).
 */
export function HtmlPage(options: { live?: boolean } = {}): MethodDecorator {
  const headers = options.live ? LIVE_HTML_PAGE_HEADERS : HTML_PAGE_HEADERS;
  return applyDecorators(...Object.entries(headers).map(([name, value]) => Header(name, value)));
}
