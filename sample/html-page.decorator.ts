import { Header, applyDecorators } from '@nestjs/common';

/**
 * Headers of every HTML page of the sample: `text/html`, and a Content-Security-Policy that
 * allows only the page's own inline styles and forms posting back to this app (no scripts
 * at all), and no framing (clickjacking).
 */
export function HtmlPage(): MethodDecorator {
  return applyDecorators(
    Header('Content-Type', 'text/html; charset=utf-8'),
    Header(
      'Content-Security-Policy',
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    ),
    Header('Cache-Control', 'no-store'),
  );
}
