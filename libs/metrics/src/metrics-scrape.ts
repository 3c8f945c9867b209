import { NotFoundException, UnauthorizedException } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { AppConfig } from '@tenantry/config';
import { metricsRegistry } from './metrics';

const sameSecret = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * The registry in Prometheus text format under one rule for the API's and the worker's /metrics:
 * `Authorization: Bearer <METRICS_TOKEN>` (compared in constant time), 404 while METRICS_TOKEN is unset.
 */
export function scrapeMetrics(config: AppConfig, authorization: string | undefined): Promise<string> {
  const token = config.get('METRICS_TOKEN');
  if (!token) throw new NotFoundException();
  if (!sameSecret(authorization ?? '', `Bearer ${token}`)) throw new UnauthorizedException('A metrics token is required');
  return metricsRegistry.metrics();
}
