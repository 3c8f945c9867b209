import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';

const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const REQUEST_ID = Symbol('requestId');

type WithRequestId = Request & { [REQUEST_ID]?: string };

export const newRequestId = (): string => randomUUID();

/** Honours a sane incoming X-Request-Id (a proxy's), else makes one; the same one all along a request. */
export const requestIdOf = (request: Request): string => {
  const carrier = request as WithRequestId;
  if (carrier[REQUEST_ID]) return carrier[REQUEST_ID];
  const incoming = request.headers['x-request-id'];
  return (carrier[REQUEST_ID] = typeof incoming === 'string' && ACCEPTABLE_REQUEST_ID.test(incoming) ? incoming : newRequestId());
};

/**
 * The request edge's first step (requestEdge): every response says which request it answers,
 * including those refused before routing (body-parser, the request edge) and routes mounted on
 * Express itself, and carries the security headers (`headers`: helmet's, collected once at start-up).
 */
export function assignRequestIdAndHeaders(headers: Record<string, string>): (request: Request, response: Response) => void {
  const entries = Object.entries(headers);
  return function assignRequestId(request: Request, response: Response): void {
    response.setHeader('X-Request-Id', requestIdOf(request));
    for (const [name, value] of entries) response.setHeader(name, value);
  };
}
