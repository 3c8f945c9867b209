import type { Request } from 'express';
import type { SessionClient } from './user-sessions.repository';

/** What a session records of the request that signs in or refreshes (the IP as TRUST_PROXY makes it). */
export const sessionClientOf = (request: Request): SessionClient => ({
  ...(request.ip ? { ip: request.ip } : {}),
  ...(typeof request.headers['user-agent'] === 'string' ? { userAgent: request.headers['user-agent'] } : {}),
});
