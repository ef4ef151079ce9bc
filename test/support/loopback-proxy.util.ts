import type { AddressInfo, Server } from 'node:net';

/**
 * Starts `server` on a free loopback port and returns `targetUrl` pointed at it, so a
 * client configured with that URL goes through the proxy instead of to the target.
 */
export async function listenInFrontOf(server: Server, targetUrl: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = new URL(targetUrl);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as AddressInfo).port);
  return url.toString();
}
