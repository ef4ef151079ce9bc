import type { Notice } from '../app-session.interface.js';
import { html } from './html.template.js';
import type { SafeHtml } from './html.template.js';
import { STYLES } from './page.styles.js';

/** What every page of the sample is made of. */
export interface PageOptions {
  title: string;
  /** The session's CSRF token: every form on the page carries it. */
  csrf: string;
  /**
   * The signed-in user, for the navigation bar; none on the sign-in page. A signed-in page
   * also loads the script that takes it to the sign-in page when its session ends (its
   * handler must send `@HtmlPage({ live: true })`, whose CSP allows that script).
   */
  username?: string;
  notice?: Notice;
  body: SafeHtml;
}

/** socket.io's client (served by socket.io itself), then the page's own script. */
const LIVE_SESSION_SCRIPTS = html`<script src="/socket.io/socket.io.js" defer></script>
  <script src="/live-session.js" defer></script>`;

/** The hidden field `CsrfGuard` reads; part of every form. */
export function csrfField(csrf: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${csrf}" />`;
}

/** A button that posts a form (with the CSRF token) to `action`. */
export function postButton(
  action: string,
  csrf: string,
  label: string,
  className = 'secondary',
): SafeHtml {
  return html`<form method="post" action="${action}" class="inline">
    ${csrfField(csrf)}<button type="submit" class="${className}">${label}</button>
  </form>`;
}

/** A whole HTML document around `body`, with navigation and the flash notice. */
export function layout(page: PageOptions): string {
  const nav =
    page.username === undefined
      ? html``
      : html`<nav>
          <a href="/account">Account</a>
          <a href="/devices">Your devices</a>
          <a href="/security">Security</a>
          <span class="who">${page.username}</span>
          ${postButton('/logout', page.csrf, 'Sign out')}
        </nav>`;
  const notice =
    page.notice &&
    html`<p class="notice ${page.notice.kind}" role="status">${page.notice.text}</p>`;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${page.title} · nestjs-sessions sample</title>
        <style>
          ${STYLES}
        </style>
        ${page.username !== undefined && LIVE_SESSION_SCRIPTS}
      </head>
      <body>
        <header>
          <a class="brand" href="/">nestjs-sessions <small>sample</small></a>
          ${nav}
        </header>
        <main>
          <h1>${page.title}</h1>
          ${notice} ${page.body}
        </main>
      </body>
    </html>`.value;
}
