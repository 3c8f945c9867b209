import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Req } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { AuditedInService } from '@tenantry/audit';
import { CurrentTenantPrincipal, RefuseImpersonation } from '@tenantry/auth';
import type { TenantPrincipal } from '@tenantry/tenancy';
import { TenantRequests } from '@tenantry/tenancy';
import { AllowedWithoutMfa } from '../auth/mfa/mfa-requirement';
import { AccountService } from './account.service';
import { PasswordChangeDto } from './dto/password-change.dto';
import { SessionList } from './dto/session.dto';

/** The signed-in user's own account: password and sessions (any role; not for API keys; open to users who must still enrol MFA). */
@AllowedWithoutMfa()
@TenantRequests()
@Controller('v1/me')
export class AccountController {
  constructor(private readonly account: AccountService) {}

  @AuditedInService('user.password_changed')
  @RefuseImpersonation('a password outlives the impersonation')
  @ApiNoContentResponse({ description: 'Changed; every other session of the user is signed out, this one continues' })
  @ApiBadRequestResponse({ description: 'The current password is wrong, or the new one breaks the password rules' })
  @ApiTooManyRequestsResponse({ description: 'Too many wrong current passwords; `Retry-After` says when to retry' })
  @Post('password')
  @HttpCode(204)
  async changePassword(@CurrentTenantPrincipal() principal: TenantPrincipal, @Body() body: PasswordChangeDto, @Req() request: Request): Promise<void> {
    await this.account.changePassword(principal, body, request.ip ?? 'unknown');
  }

  @Get('sessions')
  listSessions(@CurrentTenantPrincipal() principal: TenantPrincipal): Promise<SessionList> {
    return this.account.listSessions(principal);
  }

  @AuditedInService('session.revoked')
  @ApiNoContentResponse({ description: 'The session is signed out: its refresh and access tokens stop working' })
  @ApiNotFoundResponse({ description: "No such live session of the caller (another user's or tenant's included)" })
  @Delete('sessions/:id')
  @HttpCode(204)
  async revokeSession(@CurrentTenantPrincipal() principal: TenantPrincipal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.account.revokeSession(principal, id);
  }
}
