import type { Server } from 'node:http';

export interface ServerLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxConnections: number;
}

/**
 * Node's defaults fit no exposed server: a request may take 300 s to arrive and connections are
 * unbounded, so silent or trickling clients hold file descriptors until none are left. Each
 * bound is set from config; a socket over `maxConnections` is closed as soon as it is accepted.
 */
export function applyServerLimits(server: Server, limits: ServerLimits): void {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  // Node checks the two timeouts above only every 30 s; a socket silent for a whole request
  // timeout is closed by its own timer, so silent sockets do not pile up between the checks.
  server.timeout = limits.requestTimeoutMs;
  server.maxConnections = limits.maxConnections;
}
