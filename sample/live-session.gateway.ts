import { UseGuards } from '@nestjs/common';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { AuthGuard } from '../lib/index.js';

/** The message a signed-in page sends once connected, and the event answering it. */
export const WATCH_EVENT = 'watch-session';

/**
 * The socket.io socket every signed-in page opens (see `views/live-session.script.ts`), on
 * the app's own HTTP server, so its handshake carries the session cookie.
 *
 * The page sends {@link WATCH_EVENT} right after connecting. `AuthGuard` loads the socket's
 * session to check it, and from then on the library tracks the socket: when that session ends
 * (signed out, revoked from "Your devices", "sign out everywhere else", expired), the server
 * disconnects it within moments and the page goes to the sign-in page.
 */
@WebSocketGateway()
export class LiveSessionGateway {
  @SubscribeMessage(WATCH_EVENT)
  @UseGuards(AuthGuard)
  watch() {
    return { event: WATCH_EVENT, data: true };
  }
}
