import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { SessionStoreHealthIndicator } from '../lib/index.js';

/**
 * `GET /health` for a load balancer or an orchestrator, through `@nestjs/terminus`: 200 with
 * `{ status: 'ok', info: { sessionStore: { status: 'up' } }, … }` when the session store
 * answers within `storeTimeout`, 503 with the reason when it does not.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly sessionStore: SessionStoreHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.sessionStore.isHealthy()]);
  }
}
