import { Body, Controller, Header, HttpCode, Post, Req } from '@nestjs/common';
import { ApiOkResponse, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { NoAudit } from '@tenantry/audit';
import { Public } from '@tenantry/auth';
import { MfaSignInDto } from '../dto/mfa-sign-in.dto';
import { TokenPairResponse } from '../dto/token-pair.dto';
import { sessionClientOf } from '../session-client';
import { MfaSignInService } from './mfa-sign-in.service';

@Controller('v1/auth')
export class MfaSignInController {
  constructor(private readonly signIn: MfaSignInService) {}

  @Public()
  @NoAudit('MfaSignInService records wrong and accepted proofs (auth.mfa_failed, auth.mfa_succeeded)')
  @ApiOkResponse({ type: TokenPairResponse })
  @ApiUnauthorizedResponse({ description: 'The mfa token is invalid or expired, or the code or recovery code is wrong or used' })
  @ApiTooManyRequestsResponse({ description: 'Too many wrong codes for this account or IP; `Retry-After` says when to retry' })
  @Post('mfa')
  @Header('Cache-Control', 'no-store')
  @HttpCode(200)
  complete(@Body() body: MfaSignInDto, @Req() request: Request): Promise<TokenPairResponse> {
    return this.signIn.complete(body, { ip: request.ip ?? 'unknown', session: sessionClientOf(request) });
  }
}
