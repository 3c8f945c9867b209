import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiOkResponse, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { NoAudit } from '@tenantry/audit';
import { Public } from '@tenantry/auth';
import { RefreshTokenDto } from '../auth/dto/refresh.dto';
import { TokenPairResponse } from '../auth/dto/token-pair.dto';
import { AdminSessionsService } from './admin-sessions.service';
import { AdminLoginDto } from './dto/admin-login.dto';

@Controller('v1/admin/auth')
export class AdminAuthController {
  constructor(private readonly sessions: AdminSessionsService) {}

  @Public()
  @NoAudit('system-admin sign-in changes no tenant data')
  @ApiOkResponse({ type: TokenPairResponse })
  @ApiTooManyRequestsResponse({ description: 'Too many failed logins for this account or IP; `Retry-After` says when to retry' })
  @Post('login')
  @HttpCode(200)
  login(@Body() body: AdminLoginDto, @Req() request: Request): Promise<TokenPairResponse> {
    return this.sessions.login(body, request.ip ?? 'unknown');
  }

  @Public()
  @NoAudit('system-admin sessions change no tenant data')
  @Post('refresh')
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
