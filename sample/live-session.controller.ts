import { Controller, Get, Header } from '@nestjs/common';
import { LIVE_SESSION_SCRIPT } from './views/live-session.script.js';

/** Serves the signed-in pages' script, from this app (the pages' CSP allows no other). */
@Controller()
export class LiveSessionController {
  @Get('live-session.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  @Header('X-Content-Type-Options', 'nosniff')
  script(): string {
    return LIVE_SESSION_SCRIPT;
  }
}
