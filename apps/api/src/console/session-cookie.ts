import type { Request, Response } from 'express';
import { cookieValue } from '../http-edge/cookies';

/**
 * A console's refresh-token cookie: HttpOnly (no script reads it), SameSite=Strict (no other site
 * makes the browser send it), Secure over HTTPS and in production, and scoped to the session
 * routes of its console so it never travels with any other request.
 */
export class SessionCookie {
  constructor(
    readonly name: string,
    readonly path: string,
  ) {}

  read(request: Request): string | undefined {
    const value = cookieValue(request.headers.cookie, this.name);
    return value ? decodeURIComponent(value) : undefined;
  }

  write(request: Request, response: Response, refreshToken: string, maxAgeSeconds: number, isProduction: boolean): void {
    response.cookie(this.name, refreshToken, {
      httpOnly: true,
      sameSite: 'strict',
      secure: request.secure || isProduction,
      path: this.path,
      maxAge: maxAgeSeconds * 1000,
    });
  }

  clear(request: Request, response: Response, isProduction: boolean): void {
    response.clearCookie(this.name, { httpOnly: true, sameSite: 'strict', secure: request.secure || isProduction, path: this.path });
  }
}

export const TENANT_SESSION_COOKIE = new SessionCookie('tenantry_session', '/v1/console/auth');
export const ADMIN_SESSION_COOKIE = new SessionCookie('tenantry_admin_session', '/v1/console/admin/auth');
