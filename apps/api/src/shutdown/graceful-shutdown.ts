import type { LoggerService } from '@nestjs/common';
import { HttpDrain } from './http-drain';

export interface ShutdownTimings {
  /** SHUTDOWN_GRACE_MS: keep accepting (readiness already 503) so queued connections are served. */
  graceMs: number;
  /** SHUTDOWN_TIMEOUT_MS, counted from the signal: then every connection still open is closed. */
  timeoutMs: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * The HTTP half of a graceful stop: answer `Connection: close` from the signal on, keep accepting
 * for the grace period, stop accepting, wait for the open requests and force-close what is left at
 * the deadline. Resolves when no connection is open any more, so what runs after it (the usage
 * recorder's last flush, the pools) sees no further request.
 */
export async function drainHttpServer(drain: HttpDrain, timings: ShutdownTimings, logger: LoggerService): Promise<void> {
  const deadline = Date.now() + timings.timeoutMs;
  drain.startDraining();
  await sleep(Math.min(timings.graceMs, timings.timeoutMs));
  const closed = drain.stopAccepting();
  let timer: NodeJS.Timeout | undefined;
  const isLate = await Promise.race([
    closed.then(() => false),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), Math.max(0, deadline - Date.now())))),
  ]);
  clearTimeout(timer);
  if (isLate) {
    logger.warn(`SHUTDOWN_TIMEOUT_MS reached: closing ${drain.openConnections} connections still open`);
    drain.forceClose();
    await closed;
  }
}
