import { Body, Controller, Delete, Header, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { AuditedInService, NoAudit } from '@tenantry/audit';
import { CurrentTenantPrincipal, RefuseImpersonation } from '@tenantry/auth';
import type { TenantPrincipal } from '@tenantry/tenancy';
import { TenantRequests } from '@tenantry/tenancy';
import { AllowedWithoutMfa } from '../auth/mfa/mfa-requirement';
import { MfaCodeDto, RecoveryCodesResponse, TotpEnrolmentResponse } from './dto/mfa.dto';
import { MeMfaService } from './mfa.service';

/** The signed-in user's second factor (TOTP, RFC 6238). Open to users who must still enrol. */
@AllowedWithoutMfa()
@TenantRequests()
@Controller('v1/me/mfa')
export class MfaController {
  constructor(private readonly mfa: MeMfaService) {}

  @NoAudit('a pending enrolment changes nothing until a code confirms it (user.mfa_enabled)')
  @RefuseImpersonation('a second factor outlives the impersonation')
  @ApiCreatedResponse({ type: TotpEnrolmentResponse })
  @Post('totp')
  @Header('Cache-Control', 'no-store')
  begin(@CurrentTenantPrincipal() principal: TenantPrincipal): Promise<TotpEnrolmentResponse> {
    return this.mfa.begin(principal);
  }

  @AuditedInService('user.mfa_enabled')
  @RefuseImpersonation('a second factor outlives the impersonation')
  @ApiOkResponse({ type: RecoveryCodesResponse })
  @ApiBadRequestResponse({ description: 'The code is not a current code of the pending secret' })
  @ApiConflictResponse({ description: 'No enrolment is pending' })
  @ApiTooManyRequestsResponse({ description: 'Too many wrong codes; `Retry-After` says when to retry' })
  @Post('totp/confirm')
  @Header('Cache-Control', 'no-store')
  @HttpCode(200)
  confirm(@CurrentTenantPrincipal() principal: TenantPrincipal, @Body() body: MfaCodeDto, @Req() request: Request): Promise<RecoveryCodesResponse> {
    return this.mfa.confirm(principal, body.code, request.ip ?? 'unknown');
  }

  @AuditedInService('user.mfa_disabled')
  @RefuseImpersonation('removing a second factor changes the credentials of the user')
  @ApiNoContentResponse({ description: 'MFA is off; the secret and the recovery codes are deleted' })
  @ApiBadRequestResponse({ description: 'The code is not a current code of the authenticator' })
  @ApiConflictResponse({ description: 'MFA is not enabled, or the tenant requires it' })
  @ApiTooManyRequestsResponse({ description: 'Too many wrong codes; `Retry-After` says when to retry' })
  @Delete()
  @HttpCode(204)
  async disable(@CurrentTenantPrincipal() principal: TenantPrincipal, @Body() body: MfaCodeDto, @Req() request: Request): Promise<void> {
    await this.mfa.disable(principal, body.code, request.ip ?? 'unknown');
  }
}
