import { Body, Controller, Delete, Header, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { AuditedInService, NoAudit } from '@tenantry/audit';
import { CurrentSystemAdmin, SystemAdminOnly } from '@tenantry/auth';
import type { SystemAdminPrincipal } from '@tenantry/tenancy';
import { TenantRequests } from '@tenantry/tenancy';
import { AllowedWithoutMfa } from '../auth/mfa/mfa-requirement';
import { MfaCodeDto, RecoveryCodesResponse, TotpEnrolmentResponse } from '../me/dto/mfa.dto';
import { PasswordChangeDto } from '../me/dto/password-change.dto';
import { AdminAccountService } from './admin-account.service';

/** The signed-in system admin's own account: password and second factor (open before MFA enrolment). */
@SystemAdminOnly()
@AllowedWithoutMfa()
@TenantRequests()
@Controller('v1/admin/me')
export class AdminAccountController {
  constructor(private readonly account: AdminAccountService) {}

  @AuditedInService('system_admin.password_changed')
  @ApiNoContentResponse({ description: "Changed; the admin's other sessions are signed out, this one continues" })
  @ApiBadRequestResponse({ description: 'The current password is wrong, or the new one breaks the password rules' })
  @ApiTooManyRequestsResponse({ description: 'Too many wrong current passwords; `Retry-After` says when to retry' })
  @Post('password')
  @HttpCode(204)
  async changePassword(@CurrentSystemAdmin() admin: SystemAdminPrincipal, @Body() body: PasswordChangeDto, @Req() request: Request): Promise<void> {
    await this.account.changePassword(admin, body, request.ip ?? 'unknown');
  }

  @NoAudit('a pending enrolment changes nothing until a code confirms it (system_admin.mfa_enabled)')
  @ApiCreatedResponse({ type: TotpEnrolmentResponse })
  @Post('mfa/totp')
  @Header('Cache-Control', 'no-store')
  beginMfa(@CurrentSystemAdmin() admin: SystemAdminPrincipal): Promise<TotpEnrolmentResponse> {
    return this.account.beginMfa(admin);
  }

  @AuditedInService('system_admin.mfa_enabled')
  @ApiOkResponse({ type: RecoveryCodesResponse })
  @ApiBadRequestResponse({ description: 'The code is not a current code of the pending secret' })
  @ApiConflictResponse({ description: 'No enrolment is pending' })
  @ApiTooManyRequestsResponse({ description: 'Too many wrong codes; `Retry-After` says when to retry' })
  @Post('mfa/totp/confirm')
  @Header('Cache-Control', 'no-store')
  @HttpCode(200)
  confirmMfa(@CurrentSystemAdmin() admin: SystemAdminPrincipal, @Body() body: MfaCodeDto, @Req() request: Request): Promise<RecoveryCodesResponse> {
    return this.account.confirmMfa(admin, body.code, request.ip ?? 'unknown');
  }

  @AuditedInService('system_admin.mfa_disabled')
  @ApiNoContentResponse({ description: 'MFA is off; the secret and the recovery codes are deleted' })
  @ApiBadRequestResponse({ description: 'The code is not a current code of the authenticator' })
  @ApiConflictResponse({ description: 'MFA is not enabled, or SYSTEM_ADMIN_REQUIRE_MFA requires it' })
  @ApiTooManyRequestsResponse({ description: 'Too many wrong codes; `Retry-After` says when to retry' })
  @Delete('mfa')
  @HttpCode(204)
  async disableMfa(@CurrentSystemAdmin() admin: SystemAdminPrincipal, @Body() body: MfaCodeDto, @Req() request: Request): Promise<void> {
    await this.account.disableMfa(admin, body.code, request.ip ?? 'unknown');
  }
}
