import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiGoneResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { NoAudit } from '@tenantry/audit';
import { Public } from '@tenantry/auth';
import { AcceptedResponse, AdminAccountDto, TokenWithPasswordDto } from '../account-tokens/dto/account.dto';
import { AdminPasswordResetService } from './admin-password-reset.service';

/** Password reset of system admins by mailed link. */
@Public()
@Controller('v1/admin/auth/password-reset')
export class AdminPasswordResetController {
  constructor(private readonly resets: AdminPasswordResetService) {}

  @NoAudit('written to the system audit log by AdminPasswordResetService')
  @ApiAcceptedResponse({ type: AcceptedResponse, description: 'The same answer, after the same time, whether or not the account exists' })
  @ApiTooManyRequestsResponse({ description: 'Too many requests for this account or from this IP' })
  @Post()
  @HttpCode(202)
  request(@Body() body: AdminAccountDto, @Req() request: Request): Promise<AcceptedResponse> {
    return this.resets.request(body, request.ip ?? 'unknown');
  }

  @NoAudit('written to the system audit log by AdminPasswordResetService')
  @ApiNoContentResponse({ description: 'The password is set and every session of the admin is revoked' })
  @ApiNotFoundResponse({ description: 'The link is not valid' })
  @ApiGoneResponse({ description: 'The link was used already or has expired' })
  @Post('confirm')
  @HttpCode(204)
  async confirm(@Body() body: TokenWithPasswordDto): Promise<void> {
    await this.resets.confirm(body);
  }
}
