import { Body, Controller, Header, HttpCode, Post, Req } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiTooManyRequestsResponse, ApiUnauthorizedResponse, getSchemaPath } from '@nestjs/swagger';
import type { Request } from 'express';
import { NoAudit } from '@tenantry/audit';
import { Public } from '@tenantry/auth';
import { MfaChallengeResponse, MfaSignInDto } from '../auth/dto/mfa-sign-in.dto';
import { RefreshTokenDto } from '../auth/dto/refresh.dto';
import { TokenPairResponse } from '../auth/dto/token-pair.dto';
import { AdminSessionsService } from './admin-sessions.service';
import { AdminLoginDto } from './dto/admin-login.dto';

@Controller('v1/admin/auth')
export class AdminAuthController {
  constructor(private readonly sessions: AdminSessionsService) {}

  @Public()
  @NoAudit('system-admin sign-in changes no tenant data')
  @ApiExtraModels(TokenPairResponse, MfaChallengeResponse)
  @ApiOkResponse({
    description: 'The token pair, or, for an admin with a second factor, `{mfaRequired: true, mfaToken}` for `POST /v1/admin/auth/mfa`',
    schema: { oneOf: [{ $ref: getSchemaPath(TokenPairResponse) }, { $ref: getSchemaPath(MfaChallengeResponse) }] },
  })
  @ApiTooManyRequestsResponse({ description: 'Too many failed logins for this account or IP; `Retry-After` says when to retry' })
  @Post('login')
  @Header('Cache-Control', 'no-store')
  @HttpCode(200)
  login(@Body() body: AdminLoginDto, @Req() request: Request): Promise<TokenPairResponse | MfaChallengeResponse> {
    return this.sessions.login(body, request.ip ?? 'unknown');
  }

  @Public()
  @NoAudit('system-admin sign-in changes no tenant data')
  @ApiOkResponse({ type: TokenPairResponse })
  @ApiUnauthorizedResponse({ description: 'The mfa token is invalid or expired, or the code or recovery code is wrong or used' })
  @ApiTooManyRequestsResponse({ description: 'Too many wrong codes for this account or IP; `Retry-After` says when to retry' })
  @Post('mfa')
  @Header('Cache-Control', 'no-store')
  @HttpCode(200)
  completeMfa(@Body() body: MfaSignInDto, @Req() request: Request): Promise<TokenPairResponse> {
    return this.sessions.completeMfa(body, request.ip ?? 'unknown');
  }

  @Public()
  @NoAudit('system-admin sessions change no tenant data')
  @Post('refresh')
  @Header('Cache-Control', 'no-store')
  @HttpCode(200)
  refresh(@Body() body: RefreshTokenDto): Promise<TokenPairResponse> {
    return this.sessions.refresh(body.refreshToken);
  }

  @Public()
  @NoAudit('system-admin sessions change no tenant data')
  @Post('logout')
  @HttpCode(204)
  async logout(@Body() body: RefreshTokenDto): Promise<void> {
    await this.sessions.logout(body.refreshToken);
  }
}
