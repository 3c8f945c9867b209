import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';

/** Set on SIGTERM: readiness turns 503 so load balancers stop sending traffic before the server closes. */
@Injectable()
export class ShutdownState {
  isDraining = false;

  constructor(private readonly health: HealthIndicatorService) {}

  check() {
    const indicator = this.health.check('shutdown');
    return this.isDraining ? indicator.down({ message: 'shutting down' }) : indicator.up();
  }
}
