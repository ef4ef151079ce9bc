import { SafeHtml } from './html.template.js';

/** The sample's whole style sheet: no build step, no external requests. */
export const STYLES = new SafeHtml(`
  :root { color-scheme: light; --ink: #1d2433; --muted: #5b6475; --line: #dfe3ea;
    --accent: #e0234e; --ok: #1d7a46; --bad: #b42318; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
    color: var(--ink); background: #f5f6f8; }
  header { display: flex; align-items: center; justify-content: space-between; gap: 1rem;
    padding: .75rem 1.5rem; background: #fff; border-bottom: 1px solid var(--line); }
  .brand { font-weight: 700; color: var(--accent); text-decoration: none; }
  .brand small { color: var(--muted); font-weight: 400; }
  nav { display: flex; align-items: center; gap: 1rem; }
  nav a { color: var(--ink); text-decoration: none; }
  nav a:hover { text-decoration: underline; }
  .who { color: var(--muted); }
  main { max-width: 52rem; margin: 2rem auto; padding: 1.5rem 2rem; background: #fff;
    border: 1px solid var(--line); border-radius: 10px; }
  h1 { margin-top: 0; font-size: 1.5rem; }
  label { display: block; margin: .75rem 0 .25rem; font-weight: 600; }
  label.check { font-weight: 400; }
  h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
  input[type=text], input[type=password] { width: 100%; padding: .5rem .6rem; font: inherit;
    border: 1px solid var(--line); border-radius: 6px; }
  button { font: inherit; padding: .45rem .9rem; border-radius: 6px; cursor: pointer;
    border: 1px solid var(--accent); background: var(--accent); color: #fff; }
  button.secondary { background: #fff; color: var(--ink); border-color: var(--line); }
  button.danger { background: #fff; color: var(--bad); border-color: var(--bad); }
  form.inline { display: inline; margin: 0; }
  .actions { margin-top: 1.25rem; display: flex; gap: .75rem; align-items: center; }
  .notice { padding: .6rem .9rem; border-radius: 6px; }
  .notice.success { background: #e8f5ed; color: var(--ok); }
  .notice.error { background: #fdecea; color: var(--bad); }
  .hint { color: var(--muted); font-size: .9rem; }
  table { width: 100%; border-collapse: collapse; }
  th, td { text-align: left; padding: .55rem .4rem; border-bottom: 1px solid var(--line);
    vertical-align: middle; }
  th { color: var(--muted); font-weight: 600; font-size: .85rem; }
  td.time { white-space: nowrap; font-size: .9rem; }
  tr.current td { background: #fff8e6; }
  .badge { display: inline-block; margin-left: .4rem; padding: 0 .45rem; border-radius: 999px;
    font-size: .75rem; background: var(--ink); color: #fff; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .35rem 1rem; }
  dt { color: var(--muted); }
  dd { margin: 0; }
`);
