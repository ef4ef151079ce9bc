import { DEMO_USERS } from './users.service.js';

/** What `npm start` prints once the app listens: where to point a browser, and who to be. */
export function startBanner(url: string, details: { adapter: string; database: string }): string {
  const users = DEMO_USERS.map((user) => `${user.username} / ${user.password}`).join(', or ');
  return [
    `nestjs-sessions sample listening on ${url} (${details.adapter}, ${details.database})`,
    '',
    `  Open ${url}/login in a browser and sign in as ${users}.`,
    '  Sign in from a second browser (or a private window) too, then revoke it from',
    `  ${url}/devices: its page goes to the sign-in page at once, untouched.`,
    `  GraphQL (the same session): POST ${url}/graphql, e.g. { me { username theme } }.`,
    '',
    'Ctrl-C stops.',
  ].join('\n');
}
