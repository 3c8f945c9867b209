import { Body, Controller, Get, Header, HttpCode, Post, Req } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiTooManyRequestsResponse, getSchemaPath } from '@nestjs/swagger';
import type { Request } from 'express';
import { NoAudit } from '@tenantry/audit';
import { CurrentTenantPrincipal, Public } from '@tenantry/auth';
import type { TenantPrincipal } from '@tenantry/tenancy';
import { TenantRequests } from '@tenantry/tenancy';
import { AuthService } from './auth.service';
import { LoginDto } from './dto/login.dto';
import { MfaChallengeResponse } from './dto/mfa-sign-in.dto';
import { MeResponse } from './dto/me.dto';
import { RefreshTokenDto } from './dto/refresh.dto';
import { TokenPairResponse } from './dto/token-pair.dto';
import { sessionClientOf } from './session-client';
import { AllowedWithoutMfa } from './mfa/mfa-requirement';
import { TenantSessionsService } from './tenant-sessions.service';

@TenantRequests()
@Controller('v1')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly sessions: TenantSessionsService,
  ) {}

  @Public()
  @NoAudit('failed logins are recorded by AuthService as security events')
  @ApiExtraModels(TokenPairResponse, MfaChallengeResponse)
  @ApiOkResponse({
    description: 'The token pair, or, for an account with a second factor, `{mfaRequired: true, mfaToken}` for `POST /v1/auth/mfa`',
    schema: { oneOf: [{ $ref: getSchemaPath(TokenPairResponse) }, { $ref: getSchemaPath(MfaChallengeResponse) }] },
  })
  @ApiTooManyRequestsResponse({ description: 'Too many failed logins for this account or IP; `Retry-After` says when to retry' })
  @Post('auth/login')
  @Header('Cache-Control', 'no-store')
  @HttpCode(200)
  login(@Body() body: LoginDto, @Req() request: Request): Promise<TokenPairResponse | MfaChallengeResponse> {
    return this.auth.login(body, { host: request.headers.host, ip: request.ip ?? 'unknown', session: sessionClientOf(request) });
  }

  @Public()
  @NoAudit('refresh-token reuse is recorded by TenantSessionsService as a security event')
  @Post('auth/refresh')
  @Header('Cache-Control', 'no-store')
  @HttpCode(200)
  refresh(@Body() body: RefreshTokenDto, @Req() request: Request): Promise<TokenPairResponse> {
    return this.sessions.refresh(body.refreshToken, sessionClientOf(request));
  }

  @Public()
  @NoAudit('ending a session changes no tenant data')
  @Post('auth/logout')
  @HttpCode(204)
  async logout(@Body() body: RefreshTokenDto): Promise<void> {
    await this.sessions.logout(body.refreshToken);
  }

  @AllowedWithoutMfa()
  @Get('me')
  me(@CurrentTenantPrincipal() principal: TenantPrincipal): Promise<MeResponse> {
    return this.auth.me(principal);
  }
}
