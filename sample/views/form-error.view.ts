import { html } from './html.template.js';
import { layout } from './layout.view.js';

/** What the page for a refused form shows. */
export interface FormErrorView {
  /** Why the form was refused, one line each. */
  reasons: readonly string[];
  /** Where to go next. */
  back: { href: string; label: string };
}

/** The page answering a form the app refused (400 or 413), instead of a JSON error. */
export function formErrorPage(view: FormErrorView): string {
  return layout({
    title: 'Form not accepted',
    csrf: '',
    notice: { kind: 'error', text: 'Nothing was changed. Please check the form and try again.' },
    body: html`<ul>
        ${view.reasons.map((reason) => html`<li>${reason}</li>`)}
      </ul>
      <p><a href="${view.back.href}">${view.back.label}</a></p>`,
  });
}
