import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { SessionStoreHealthIndicator } from '../../lib/index.js';

/** A terminus health endpoint checking the session store, as the indicator's JSDoc shows. */
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly sessionStore: SessionStoreHealthIndicator,
  ) {}

  @Get('health')
  @HealthCheck()
  check() {
    return this.health.check([() => this.sessionStore.isHealthy()]);
  }

  /** The indicator under a key of the app's choosing. */
  @Get('health/custom')
  @HealthCheck()
  custom() {
    return this.health.check([() => this.sessionStore.isHealthy('db-sessions')]);
  }
}
