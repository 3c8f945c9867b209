import { StreamableFile } from '@nestjs/common';
import type { HttpServer } from '@nestjs/common';
import type { Response } from 'express';

type Reply = (response: Response, body: unknown, statusCode?: number) => unknown;

/**
 * A handler's object answer (every JSON route) written by one `end`: the JSON text, its
 * `Content-Type: application/json; charset=utf-8` and `Content-Length`, what Express's `res.json`
 * sends for it. Express gets there through `res.send`, which parses and formats the content type
 * it has just set, copies a body of 1,000 characters or more into a Buffer to measure it, and
 * checks the request's freshness for an ETag this API does not send. Everything else takes Nest's
 * own path unchanged: no body, a string, a stream (StreamableFile), a content type the route set
 * itself (CSV, SCIM, an error filter's), a 204 or 304, and conditional requests (If-None-Match,
 * If-Modified-Since), which Express answers. HEAD gets the headers without the body, as from Express.
 */
export function answerJsonDirectly(adapter: HttpServer): void {
  const nestReply = (adapter.reply as Reply).bind(adapter);
  const reply: Reply = (response, body, statusCode) => {
    const status = statusCode ?? response.statusCode;
    const request = response.req;
    if (
      body === null ||
      typeof body !== 'object' ||
      body instanceof StreamableFile ||
      status === 204 ||
      status === 304 ||
      response.getHeader('content-type') !== undefined ||
      request.headers['if-none-match'] !== undefined ||
      request.headers['if-modified-since'] !== undefined
    ) {
      return nestReply(response, body, statusCode);
    }
    const json = JSON.stringify(body) as string | undefined;
    // An object whose toJSON answers undefined: Express sends an empty body for it.
    if (json === undefined) return nestReply(response, body, statusCode);
    response.statusCode = status;
    response.setHeader('Content-Type', 'application/json; charset=utf-8');
    response.setHeader('Content-Length', Buffer.byteLength(json));
    return request.method === 'HEAD' ? response.end() : response.end(json);
  };
  adapter.reply = reply as HttpServer['reply'];
}
