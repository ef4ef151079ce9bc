/**
 * Signs in on a variant's server (`POST /login`) and returns its session cookie as a `Cookie`
 * header value (`name=value`), or `''` for a variant that sets none (the floor). Checks that
 * `GET /me` then answers 200, so a misconfigured variant fails here, not in the numbers.
 */
export async function login(baseUrl: string): Promise<string> {
  const res = await fetch(`${baseUrl}/login`, { method: 'POST' });
  if (res.status !== 200)
    throw new Error(`POST ${baseUrl}/login answered ${res.status}: ${await res.text()}`);
  await res.text(); // the whole response: express-session saves before its last byte only
  const cookie = res.headers.getSetCookie()[0]?.split(';')[0] ?? '';
  await get(baseUrl, '/me', cookie);
  return cookie;
}

/** `GET path` with `cookie`; throws unless 200. */
export async function get(baseUrl: string, path: string, cookie: string): Promise<void> {
  const res = await fetch(`${baseUrl}${path}`, { headers: cookie ? { cookie } : {} });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`GET ${baseUrl}${path} answered ${res.status}: ${body}`);
}

/** `method path` and its JSON answer; throws unless 2xx. */
export async function requestJson<T>(baseUrl: string, path: string, method = 'GET'): Promise<T> {
  const res = await fetch(`${baseUrl}${path}`, { method });
  if (!res.ok) {
    throw new Error(`${method} ${baseUrl}${path} answered ${res.status}: ${await res.text()}`);
  }
  return (await res.json()) as T;
}
