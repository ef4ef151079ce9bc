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
    '  At most 3 devices per user: signing in on a 4th signs out the oldest.',
    `  ${url}/security asks for the password again after 5 minutes, and lists recent events.`,
    `  GraphQL (the same session): POST ${url}/graphql, e.g. { me { username theme } }.`,
    `  Health: GET ${url}/health.`,
    '',
    'Ctrl-C stops.',
  ].join('\n');
}
