import { WATCH_EVENT } from '../live-session.gateway.js';

/** Where a page goes when its session was ended elsewhere; the sign-in page says so. */
export const SIGNED_OUT_ELSEWHERE_PATH = '/login?signed-out=elsewhere';

/**
 * The script of every signed-in page (`GET /live-session.js`, after socket.io's own client at
 * `/socket.io/socket.io.js`, which socket.io serves itself). It opens a socket, sends one
 * message that uses the session (a socket is tracked from its first such message), and when
 * the server disconnects it (`io server disconnect`: the session ended, here or on another
 * device) goes to the sign-in page. A page that is leaving by itself (a form was submitted,
 * such as "Sign out") stays on its way: its own sign-out disconnects it too.
 *
 * `data-live="on"` on `<html>` says the socket is watched (the browser tests wait for it).
 */
export const LIVE_SESSION_SCRIPT = `'use strict';
(() => {
  const root = document.documentElement;
  let leaving = false;
  document.addEventListener('submit', () => { leaving = true; });
  const socket = io();
  socket.on('connect', () => socket.emit(${JSON.stringify(WATCH_EVENT)}));
  socket.on(${JSON.stringify(WATCH_EVENT)}, () => { root.dataset.live = 'on'; });
  socket.on('exception', (error) => {
    // Ended before this socket was watched: the page reloads, and AuthGuard sends it to sign in.
    if (error && error.message === 'Unauthorized' && !leaving) location.reload();
  });
  socket.on('disconnect', (reason) => {
    delete root.dataset.live;
    if (reason === 'io server disconnect' && !leaving) {
      location.assign(${JSON.stringify(SIGNED_OUT_ELSEWHERE_PATH)});
    }
  });
})();
`;
