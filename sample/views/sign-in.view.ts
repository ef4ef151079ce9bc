import type { Notice } from '../app-session.interface.js';
import { POLICY_WORDS } from '../session-policies.constants.js';
import type { DemoUser } from '../users.service.js';
import { html } from './html.template.js';
import { csrfField, layout } from './layout.view.js';

/** What the sign-in page shows. */
export interface SignInView {
  csrf: string;
  notice?: Notice;
  /** Pre-filled after a failed attempt. */
  username?: string;
  /** Set when this browser is already signed in. */
  signedInAs?: string;
  demoUsers: readonly DemoUser[];
}

/** `GET /login`: the sign-in form, posting to `/login` with the CSRF token. */
export function signInPage(view: SignInView): string {
  const already =
    view.signedInAs !== undefined &&
    html`<p class="hint">
      You are signed in as <strong>${view.signedInAs}</strong>.
      <a href="/account">Go to your account</a>, or sign in as someone else.
    </p>`;
  const demo = view.demoUsers.map(
    (user, i) =>
      html`${i > 0 && ', '}<code>${user.username}</code> / <code>${user.password}</code>`,
  );
  return layout({
    title: 'Sign in',
    csrf: view.csrf,
    notice: view.notice,
    body: html`${already}
      <form method="post" action="/login">
        ${csrfField(view.csrf)}
        <label for="username">Username</label>
        <input
          id="username"
          name="username"
          type="text"
          autocomplete="username"
          required
          maxlength="100"
          value="${view.username ?? ''}"
        />
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
          maxlength="200"
        />
        <label class="check">
          <input id="remember-me" name="rememberMe" type="checkbox" value="yes" />
          Keep me signed in
          <span class="hint">(${POLICY_WORDS.rememberMe}; else ${POLICY_WORDS.session})</span>
        </label>
        <div class="actions"><button type="submit">Sign in</button></div>
      </form>
      <p class="hint">Demo users: ${demo}.</p>`,
  });
}
