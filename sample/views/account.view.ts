import type { Notice, Theme } from '../app-session.interface.js';
import { POLICY_WORDS } from '../session-policies.constants.js';
import { html } from './html.template.js';
import { layout } from './layout.view.js';
import { formatTime } from './time.format.js';

/** What the account page shows. */
export interface AccountView {
  csrf: string;
  username: string;
  theme: Theme;
  notice?: Notice;
  signedInAt: Date | null;
  expiresAt: Date;
  deviceCount: number;
}

/** `GET /account`: a greeting, the flash notice, and this session at a glance. */
export function accountPage(view: AccountView): string {
  const devices = view.deviceCount === 1 ? '1 device' : `${view.deviceCount} devices`;
  return layout({
    title: `Hello, ${view.username}`,
    csrf: view.csrf,
    username: view.username,
    notice: view.notice,
    body: html`<dl>
        <dt>Signed in</dt>
        <dd>${view.signedInAt ? formatTime(view.signedInAt) : 'unknown'}</dd>
        <dt>Session expires</dt>
        <dd>
          ${formatTime(view.expiresAt)} if unused; each visit extends it (${POLICY_WORDS.session},
          or ${POLICY_WORDS.rememberMe} with “Keep me signed in”)
        </dd>
        <dt>Theme</dt>
        <dd>
          ${view.theme} (the <code>setTheme</code> mutation at <code>/graphql</code> changes it)
        </dd>
        <dt>Signed in on</dt>
        <dd>${devices} — <a href="/devices">see and manage your devices</a></dd>
        <dt>Security</dt>
        <dd><a href="/security">your recent sign-ins and sign-outs</a></dd>
      </dl>
      <p class="hint">
        Your session lives in PostgreSQL; the cookie holds only a signed random token.
      </p>`,
  });
}
