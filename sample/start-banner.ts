import { DEMO_USERS } from './users.service.js';

/** What `npm start` prints once the app listens: where it is and a curl line to try it. */
export function startBanner(url: string, details: { adapter: string; database: string }): string {
  const [demo] = DEMO_USERS;
  const jar = '/tmp/nestjs-sessions-sample.cookies';
  const body = JSON.stringify({ username: demo.username, password: demo.password });
  const users = DEMO_USERS.map((user) => `${user.username} / ${user.password}`).join(', ');
  return [
    `nestjs-sessions sample listening on ${url} (${details.adapter}, ${details.database})`,
    `Demo users: ${users}. Sign in and read your session:`,
    '',
    `  curl -sS -c ${jar} -b ${jar} -H 'content-type: application/json' -d '${body}' ${url}/login` +
      ` && curl -sS -c ${jar} -b ${jar} ${url}/me; echo`,
    '',
    `More: GET ${url}/sessions, POST ${url}/sessions/revoke-others, POST ${url}/logout.`,
    'Ctrl-C stops.',
  ].join('\n');
}
