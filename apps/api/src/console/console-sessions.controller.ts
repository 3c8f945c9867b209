import type { TokenPair } from '@tenantry/auth';
import type { MfaChallengeResponse } from '../auth/dto/mfa-sign-in.dto';
import { Body, Controller, ForbiddenException, Header, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiForbiddenResponse, ApiOkResponse, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { NoAudit } from '@tenantry/audit';
import { Public } from '@tenantry/auth';
import { AppConfig } from '@tenantry/config';
import { AdminSessionsService } from '../admin/admin-sessions.service';
import { AdminLoginDto } from '../admin/dto/admin-login.dto';
import { AuthService } from '../auth/auth.service';
import { LoginDto } from '../auth/dto/login.dto';
import { TenantSessionsService } from '../auth/tenant-sessions.service';
import { CookieSessions } from './cookie-sessions';
import { ConsoleSessionResponse } from './dto/console-session.dto';
import { SameOriginGuard } from './same-origin.guard';
import { ADMIN_SESSION_COOKIE, TENANT_SESSION_COOKIE } from './session-cookie';

/** Tenant users' console sessions (`/console/`). */
@Controller('v1/console/auth')
@UseGuards(SameOriginGuard)
@ApiForbiddenResponse({ description: 'The request does not come from this API\'s own origin (CSRF protection)' })
export class ConsoleSessionsController extends CookieSessions {
  constructor(
    config: AppConfig,
    private readonly auth: AuthService,
    private readonly sessions: TenantSessionsService,
  ) {
    super(config, TENANT_SESSION_COOKIE);
  }

  /** Signs a tenant user in: the access token in the body, the refresh token in an HttpOnly cookie. */
  @Public()
  @NoAudit('failed logins are recorded by AuthService as security events')
  @ApiOkResponse({ type: ConsoleSessionResponse })
  @ApiTooManyRequestsResponse({ description: 'Too many failed logins for this account or IP; `Retry-After` says when to retry' })
  @Post('login')
  @Header('Cache-Control', 'no-store')
  @HttpCode(200)
  async login(@Body() body: LoginDto, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<ConsoleSessionResponse> {
    return this.started(request, response, signedIn(await this.auth.login(body, { host: request.headers.host, ip: request.ip ?? 'unknown' })));
  }

  /** A new access token from the session cookie (which rotates); how a reloaded page signs back in. */
  @Public()
  @NoAudit('refresh-token reuse is recorded by TenantSessionsService as a security event')
  @ApiOkResponse({ type: ConsoleSessionResponse })
  @Post('refresh')
  @Header('Cache-Control', 'no-store')
  @HttpCode(200)
  refresh(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<ConsoleSessionResponse> {
    return this.rotated(request, response, (token) => this.sessions.refresh(token));
  }

  /** Signs out: revokes the session's whole token family and clears the cookie. */
  @Public()
  @NoAudit('ending a session changes no tenant data')
  @Post('logout')
  @HttpCode(204)
  logout(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<void> {
    return this.ended(request, response, (token) => this.sessions.logout(token));
  }
}

/** System admins' console sessions (`/console/admin/`). */
@Controller('v1/console/admin/auth')
@UseGuards(SameOriginGuard)
@ApiForbiddenResponse({ description: 'The request does not come from this API\'s own origin (CSRF protection)' })
export class ConsoleAdminSessionsController extends CookieSessions {
  constructor(
    config: AppConfig,
    private readonly sessions: AdminSessionsService,
  ) {
    super(config, ADMIN_SESSION_COOKIE);
  }

  /** Signs a system admin in: the access token in the body, the refresh token in an HttpOnly cookie. */
  @Public()
  @NoAudit('system-admin sign-in changes no tenant data')
  @ApiOkResponse({ type: ConsoleSessionResponse })
  @ApiTooManyRequestsResponse({ description: 'Too many failed logins for this account or IP; `Retry-After` says when to retry' })
  @Post('login')
  @Header('Cache-Control', 'no-store')
  @HttpCode(200)
  async login(@Body() body: AdminLoginDto, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<ConsoleSessionResponse> {
    return this.started(request, response, signedIn(await this.sessions.login(body, request.ip ?? 'unknown')));
  }

  /** A new access token from the session cookie (which rotates). */
  @Public()
  @NoAudit('system-admin sessions change no tenant data')
  @ApiOkResponse({ type: ConsoleSessionResponse })
  @Post('refresh')
  @Header('Cache-Control', 'no-store')
  @HttpCode(200)
  refresh(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<ConsoleSessionResponse> {
    return this.rotated(request, response, (token) => this.sessions.refresh(token));
  }

  /** Signs out: revokes the session's token family and clears the cookie. */
  @Public()
  @NoAudit('system-admin sessions change no tenant data')
  @Post('logout')
  @HttpCode(204)
  logout(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<void> {
    return this.ended(request, response, (token) => this.sessions.logout(token));
  }
}

/** The console has no second-factor step yet: an account with MFA signs in through the API's own routes. */
function signedIn(answer: TokenPair | MfaChallengeResponse): TokenPair {
  if ('mfaRequired' in answer) throw new ForbiddenException('This account uses multi-factor authentication, which the console cannot complete yet: sign in through POST /v1/auth/login and POST /v1/auth/mfa');
  return answer;
}
