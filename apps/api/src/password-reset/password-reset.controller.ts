import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiGoneResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { AuditedInService } from '@tenantry/audit';
import { Public } from '@tenantry/auth';
import { AcceptedResponse, TenantAccountDto, TokenWithPasswordDto } from '../account-tokens/dto/account.dto';
import { PasswordResetService } from './password-reset.service';

/** Password reset of tenant users: public, throttled per account and IP. */
@Public()
@Controller('v1/auth/password-reset')
export class PasswordResetController {
  constructor(private readonly resets: PasswordResetService) {}

  @AuditedInService('user.password_reset_requested')
  @ApiAcceptedResponse({ type: AcceptedResponse, description: 'The same answer, after the same time, whether or not the account exists' })
  @ApiTooManyRequestsResponse({ description: 'Too many requests for this account or from this IP' })
  @Post()
  @HttpCode(202)
  request(@Body() body: TenantAccountDto, @Req() request: Request): Promise<AcceptedResponse> {
    return this.resets.request(body, { host: request.headers.host, ip: request.ip ?? 'unknown' });
  }

  @AuditedInService('user.password_reset')
  @ApiNoContentResponse({ description: 'The password is set and every session of the user is revoked' })
  @ApiNotFoundResponse({ description: 'The link is not valid' })
  @ApiGoneResponse({ description: 'The link was used already or has expired' })
  @Post('confirm')
  @HttpCode(204)
  async confirm(@Body() body: TokenWithPasswordDto): Promise<void> {
    await this.resets.confirm(body);
  }
}
