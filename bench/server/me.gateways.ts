import { UseGuards } from '@nestjs/common';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { AuthGuard, Session } from '../../lib/index.js';
import { BENCH_SOCKET_EVENT as ME_EVENT, BENCH_USER } from '../bench.config.js';

/** Message `me` answered with no session: the floor of the WebSocket variants. */
@WebSocketGateway()
export class FloorMeGateway {
  @SubscribeMessage(ME_EVENT)
  me() {
    return { event: ME_EVENT, data: { userId: BENCH_USER } };
  }
}

/** Message `me` answered from the session, the way the README's WebSockets section shows. */
@WebSocketGateway()
export class OursMeGateway {
  @UseGuards(AuthGuard)
  @SubscribeMessage(ME_EVENT)
  me(@Session() session: Session) {
    return { event: ME_EVENT, data: { userId: session.userId } };
  }
}
