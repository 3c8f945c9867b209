import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import type { ClsService } from 'nestjs-cls';

const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Honours a sane incoming X-Request-Id (a proxy's), else makes one. */
export const requestIdOf = (request: Request): string => {
  const incoming = request.headers['x-request-id'];
  return typeof incoming === 'string' && ACCEPTABLE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
};

/** Every response says which request it answers. */
export const exposeRequestId = (cls: ClsService, _request: Request, response: Response): void => {
  response.setHeader('X-Request-Id', cls.getId());
};
