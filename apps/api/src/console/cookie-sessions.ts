import { UnauthorizedException } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { TokenPair } from '@tenantry/auth';
import { AppConfig } from '@tenantry/config';
import { ConsoleSessionResponse, toConsoleSessionResponse } from './dto/console-session.dto';
import type { SessionCookie } from './session-cookie';

const NO_SESSION = 'No console session: sign in';

/** The sessions of a console in a browser: the same logins, with the refresh token in a cookie. */
export abstract class CookieSessions {
  constructor(
    protected readonly config: AppConfig,
    private readonly cookie: SessionCookie,
  ) {}

  protected started(request: Request, response: Response, pair: TokenPair): ConsoleSessionResponse {
    this.cookie.write(request, response, pair.refreshToken, this.config.get('REFRESH_TOKEN_TTL'), this.config.isProduction);
    return toConsoleSessionResponse(pair);
  }

  /** Rotates the cookie's token; a missing, invalid or reused one clears the cookie and answers 401. */
  protected async rotated(request: Request, response: Response, refresh: (token: string) => Promise<TokenPair>): Promise<ConsoleSessionResponse> {
    const token = this.cookie.read(request);
    if (!token) throw new UnauthorizedException(NO_SESSION);
    try {
      return this.started(request, response, await refresh(token));
    } catch (error) {
      this.cookie.clear(request, response, this.config.isProduction);
      throw error;
    }
  }

  protected async ended(request: Request, response: Response, logout: (token: string) => Promise<void>): Promise<void> {
    const token = this.cookie.read(request);
    if (token) await logout(token);
    this.cookie.clear(request, response, this.config.isProduction);
  }
}
