import { Body, Controller, Header, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiExtraModels,
  ApiForbiddenResponse,
  ApiGoneResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuditedInService, NoAudit } from '@tenantry/audit';
import { Public } from '@tenantry/auth';
import { AppConfig } from '@tenantry/config';
import { AdminSessionsService } from '../admin/admin-sessions.service';
import { AdminLoginDto } from '../admin/dto/admin-login.dto';
import { AuthService } from '../auth/auth.service';
import { LoginDto } from '../auth/dto/login.dto';
import { MfaChallengeResponse, MfaSignInDto } from '../auth/dto/mfa-sign-in.dto';
import { MfaSignInService } from '../auth/mfa/mfa-sign-in.service';
import { sessionClientOf } from '../auth/session-client';
import { TenantSessionsService } from '../auth/tenant-sessions.service';
import { AcceptInvitationDto } from '../invitations/dto/invitation.dto';
import { InvitationsService } from '../invitations/invitations.service';
import { ExchangeDto } from '../sso/dto/sso-auth.dto';
import { SsoSignInService } from '../sso/sso-sign-in.service';
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
    private readonly mfa: MfaSignInService,
    private readonly invitations: InvitationsService,
    private readonly sso: SsoSignInService,
  ) {
    super(config, TENANT_SESSION_COOKIE);
  }

  /**
   * Signs a tenant user in: the access token in the body, the refresh token in an HttpOnly cookie.
   * An account with a second factor gets no cookie yet, only the mfa token for `…/mfa`.
   */
  @Public()
  @NoAudit('failed logins are recorded by AuthService as security events')
  @ApiExtraModels(ConsoleSessionResponse, MfaChallengeResponse)
  @ApiOkResponse({
    description: 'The session, or, for an account with a second factor, `{mfaRequired: true, mfaToken}` for `POST /v1/console/auth/mfa`',
    schema: { oneOf: [{ $ref: getSchemaPath(ConsoleSessionResponse) }, { $ref: getSchemaPath(MfaChallengeResponse) }] },
  })
  @ApiTooManyRequestsResponse({ description: 'Too many failed logins for this account or IP; `Retry-After` says when to retry' })
  @Post('login')
  @Header('Cache-Control', 'no-store')
  @HttpCode(200)
  async login(@Body() body: LoginDto, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<ConsoleSessionResponse | MfaChallengeResponse> {
    const answer = await this.auth.login(body, { host: request.headers.host, ip: request.ip ?? 'unknown', session: sessionClientOf(request) });
    return 'mfaRequired' in answer ? answer : this.started(request, response, answer);
  }

  /** The second step of a sign-in with MFA: the login's mfa token and a code or a recovery code; then the cookie. */
  @Public()
  @NoAudit('MfaSignInService records wrong and accepted proofs (auth.mfa_failed, auth.mfa_succeeded)')
  @ApiOkResponse({ type: ConsoleSessionResponse })
  @ApiUnauthorizedResponse({ description: 'The mfa token is invalid or expired, or the code or recovery code is wrong or used' })
  @ApiTooManyRequestsResponse({ description: 'Too many wrong codes for this account or IP; `Retry-After` says when to retry' })
  @Post('mfa')
  @Header('Cache-Control', 'no-store')
  @HttpCode(200)
  async completeMfa(@Body() body: MfaSignInDto, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<ConsoleSessionResponse> {
    return this.started(request, response, await this.mfa.complete(body, { ip: request.ip ?? 'unknown', session: sessionClientOf(request) }));
  }

  /** Accepts an invitation (the mailed link's token and a new password) and signs the new member in with a cookie. */
  @Public()
  @AuditedInService('invitation.accepted')
  @ApiOkResponse({ type: ConsoleSessionResponse })
  @ApiNotFoundResponse({ description: 'No invitation has this token' })
  @ApiGoneResponse({ description: 'The invitation was accepted, revoked or has expired' })
  @ApiConflictResponse({ description: 'A user with this email exists' })
  @Post('invitations/accept')
  @Header('Cache-Control', 'no-store')
  @HttpCode(200)
  async acceptInvitation(@Body() body: AcceptInvitationDto, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<ConsoleSessionResponse> {
    return this.started(request, response, await this.invitations.accept(body));
  }

  /** Ends a single sign-on in the console: the one-time `code` of the redirect for a cookie session. */
  @Public()
  @NoAudit('the sign-in it completes was audited when the identity provider answered')
  @ApiOkResponse({ type: ConsoleSessionResponse })
  @ApiUnauthorizedResponse({ description: 'The code is unknown, used or expired' })
  @Post('sso/exchange')
  @Header('Cache-Control', 'no-store')
  @HttpCode(200)
  async exchangeSsoCode(@Body() body: ExchangeDto, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<ConsoleSessionResponse> {
    return this.started(request, response, await this.sso.exchange(body.code));
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

  /** Signs a system admin in: the access token in the body, the refresh token in an HttpOnly cookie (or, with MFA, the mfa token). */
  @Public()
  @NoAudit('system-admin sign-in changes no tenant data')
  @ApiExtraModels(ConsoleSessionResponse, MfaChallengeResponse)
  @ApiOkResponse({
    description: 'The session, or, for an admin with a second factor, `{mfaRequired: true, mfaToken}` for `POST /v1/console/admin/auth/mfa`',
    schema: { oneOf: [{ $ref: getSchemaPath(ConsoleSessionResponse) }, { $ref: getSchemaPath(MfaChallengeResponse) }] },
  })
  @ApiTooManyRequestsResponse({ description: 'Too many failed logins for this account or IP; `Retry-After` says when to retry' })
  @Post('login')
  @Header('Cache-Control', 'no-store')
  @HttpCode(200)
  async login(@Body() body: AdminLoginDto, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<ConsoleSessionResponse | MfaChallengeResponse> {
    const answer = await this.sessions.login(body, request.ip ?? 'unknown');
    return 'mfaRequired' in answer ? answer : this.started(request, response, answer);
  }

  /** The second step of an admin's sign-in with MFA; then the cookie. */
  @Public()
  @NoAudit('system-admin sign-in changes no tenant data')
  @ApiOkResponse({ type: ConsoleSessionResponse })
  @ApiUnauthorizedResponse({ description: 'The mfa token is invalid or expired, or the code or recovery code is wrong or used' })
  @ApiTooManyRequestsResponse({ description: 'Too many wrong codes for this account or IP; `Retry-After` says when to retry' })
  @Post('mfa')
  @Header('Cache-Control', 'no-store')
  @HttpCode(200)
  async completeMfa(@Body() body: MfaSignInDto, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<ConsoleSessionResponse> {
    return this.started(request, response, await this.sessions.completeMfa(body, request.ip ?? 'unknown'));
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
