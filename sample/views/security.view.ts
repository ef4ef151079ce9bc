import type { AuditEntry } from '../audit-log.service.js';
import type { Notice } from '../app-session.interface.js';
import { POLICY_WORDS } from '../session-policies.constants.js';
import { html } from './html.template.js';
import { layout, postButton } from './layout.view.js';
import { formatTime } from './time.format.js';

/** What the Security page shows. */
export interface SecurityView {
  csrf: string;
  username: string;
  notice?: Notice;
  /** The last sign-in or password confirmation of this session. */
  authenticatedAt: Date | null;
  /** The user's other signed-in sessions. */
  otherDevices: number;
  /** The user's last session events, newest first. */
  events: readonly AuditEntry[];
}

/** How the log says what happened. */
function describe(entry: AuditEntry): string {
  switch (entry.reason) {
    case 'revoke':
      return 'Signed out from “Your devices”';
    case 'revokeAllForUser':
      return 'Signed out by “Sign out everywhere else”';
    case 'maxSessionsPerUser':
      return `Signed out: ${POLICY_WORDS.tooManyDevices}`;
  }
  if (entry.event === 'session.signedIn') return 'Signed in';
  if (entry.event === 'session.signedOut') return 'Signed out';
  return 'Expired, unused for too long';
}

/** `GET /security`: this session's last sign-in, "sign out everywhere else", and the log. */
export function securityPage(view: SecurityView): string {
  const rows = view.events.map(
    (entry) =>
      html`<tr data-event="${entry.event}">
        <td class="time">${formatTime(entry.at)}</td>
        <td>${describe(entry)}</td>
        <td><code>${entry.id.slice(0, 8)}</code></td>
      </tr>`,
  );
  return layout({
    title: 'Security',
    csrf: view.csrf,
    username: view.username,
    notice: view.notice,
    body: html`<dl>
        <dt>Password last entered</dt>
        <dd>
          ${view.authenticatedAt ? formatTime(view.authenticatedAt) : 'unknown'} (this page asks for
          it again when that is more than ${POLICY_WORDS.freshAuth} ago)
        </dd>
        <dt>Other devices</dt>
        <dd>
          ${
            view.otherDevices > 0
              ? postButton('/security', view.csrf, 'Sign out everywhere else')
              : 'none signed in'
          }
        </dd>
      </dl>
      <h2>Recent activity</h2>
      ${
        rows.length > 0
          ? html`<table class="audit">
              <thead>
                <tr>
                  <th>When</th>
                  <th>What</th>
                  <th>Session</th>
                </tr>
              </thead>
              <tbody>
                ${rows}
              </tbody>
            </table>`
          : html`<p class="hint">Nothing yet.</p>`
      }`,
  });
}
