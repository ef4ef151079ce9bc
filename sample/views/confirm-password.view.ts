import type { Notice } from '../app-session.interface.js';
import { html } from './html.template.js';
import { csrfField, layout } from './layout.view.js';

/** What "Confirm your password" shows. */
export interface ConfirmPasswordView {
  csrf: string;
  /** The signed-in user, whose password is asked for. */
  username: string;
  /** Where to go once confirmed: a path on this site, already checked. */
  next: string;
  notice?: Notice;
}

/**
 * `GET /login?reauth=1&next=…` for a signed-in browser: where `@RequireFreshAuth` sends a
 * session whose sign-in is too old. Posts the password to `/login/confirm`.
 */
export function confirmPasswordPage(view: ConfirmPasswordView): string {
  return layout({
    title: 'Confirm your password',
    csrf: view.csrf,
    notice: view.notice,
    body: html`<p class="hint">
        The page you asked for needs a recent sign-in. Enter the password of
        <strong>${view.username}</strong> to go on.
      </p>
      <form method="post" action="/login/confirm">
        ${csrfField(view.csrf)}
        <input type="hidden" name="next" value="${view.next}" />
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
          maxlength="200"
          autofocus
        />
        <div class="actions">
          <button type="submit">Confirm</button>
          <a href="/account">Cancel</a>
        </div>
      </form>`,
  });
}
