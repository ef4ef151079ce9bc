import { rememberUpgrade } from './socket-client.util.js';
import type { HttpRequestLike } from '../http/http-exchange.util.js';

type UpgradeListener = (request: HttpRequestLike & { socket: object }) => void;

/** The part of a Node HTTP server (Express's or Fastify's) the capture uses. */
export interface UpgradeServer {
  listenerCount(event: 'upgrade'): number;
  prependListener(event: 'upgrade', listener: UpgradeListener): unknown;
  removeListener(event: 'upgrade', listener: UpgradeListener): unknown;
}

/**
 * A `ws` client does not keep the request it was upgraded from, so its cookie is read here:
 * each upgrade request on the app's HTTP server is remembered by its `net.Socket` (weakly:
 * it goes with the socket), before the gateway's own listener turns it into a client.
 *
 * Only when a gateway already listens for upgrades on that server (gateways are bound before
 * `onModuleInit`): an app without one keeps Node's own handling of upgrade requests.
 *
 * @returns a function that stops capturing, or `undefined` when nothing was captured.
 */
export function captureUpgrades(server: UpgradeServer): (() => void) | undefined {
  if (server.listenerCount('upgrade') === 0) return undefined;
  const listener: UpgradeListener = (request) => rememberUpgrade(request);
  server.prependListener('upgrade', listener);
  return () => void server.removeListener('upgrade', listener);
}
