import { PayloadTooLargeException } from '@nestjs/common';
import express from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 * 1024 };

/** `100kb` → 102400 (BODY_LIMIT's format, 1024-based like body-parser's). */
export function parseByteSize(value: string): number {
  const match = /^(\d+)(b|kb|mb)$/i.exec(value.trim());
  if (!match) throw new Error(`not a byte size: ${value}`);
  return Number(match[1]) * UNITS[match[2]!.toLowerCase()]!;
}

const tooLarge = () => new PayloadTooLargeException('request entity too large');

/**
 * express.json with a limit that costs the sender, not us: body-parser answers 413 only after
 * reading the whole body off the socket (a 100 MB body is read to its end, and a trickled one for
 * as long as the sender likes). Here a `Content-Length` above the limit is refused before a byte
 * is read, and a chunked body as soon as what arrived passes the limit. Both answers say
 * `Connection: close`, so Node closes the socket after the 413 instead of reading on.
 */
export function jsonBodyParser(limit: string): RequestHandler {
  const maxBytes = parseByteSize(limit);
  const parse = express.json({ limit: maxBytes, type: ['application/json', 'application/scim+json'] });
  // Named as body-parser's own, so Nest does not add its default JSON parser behind this one.
  return function jsonParser(request: Request, response: Response, next: NextFunction): void {
    const declared = request.headers['content-length'];
    if (declared !== undefined && Number(declared) > maxBytes) {
      response.setHeader('connection', 'close');
      return next(tooLarge());
    }
    let isSettled = false;
    const settle = (error?: unknown) => {
      if (isSettled) return;
      isSettled = true;
      request.off('data', count);
      next(error);
    };
    let received = 0;
    const count = (chunk: Buffer) => {
      received += chunk.length;
      if (received <= maxBytes) return;
      response.setHeader('connection', 'close');
      request.pause();
      settle(tooLarge());
    };
    if (declared === undefined && request.headers['transfer-encoding'] !== undefined) request.on('data', count);
    parse(request, response, settle);
  };
}
