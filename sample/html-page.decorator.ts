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

/** Sends {@link HTML_PAGE_HEADERS} with a handler's response. */
export function HtmlPage(): MethodDecorator {
  return applyDecorators(
    ...Object.entries(HTML_PAGE_HEADERS).map(([name, value]) => Header(name, value)),
  );
}
