import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiGoneResponse, ApiNotFoundResponse, ApiOkResponse, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { AuditedInService } from '@tenantry/audit';
import { Public } from '@tenantry/auth';
import { AcceptedResponse, TenantAccountDto, TokenDto } from '../account-tokens/dto/account.dto';
import { SignupDto, SignupResponse, VerifiedEmailResponse } from './dto/signup.dto';
import { SignupService } from './signup.service';

/** Self-service signup and email verification: public, throttled. */
@Public()
@Controller('v1')
export class SignupController {
  constructor(private readonly signups: SignupService) {}

  @AuditedInService('tenant.signed_up')
  @ApiCreatedResponse({ type: SignupResponse, description: 'The tenant and its owner; a verification mail is on its way' })
  @ApiConflictResponse({ description: 'The slug is taken' })
  @ApiForbiddenResponse({ description: 'Signup is disabled (SIGNUP_ENABLED=false)' })
  @ApiTooManyRequestsResponse({ description: 'Too many signups from this IP; `Retry-After` says when to retry' })
  @Post('signup')
  signup(@Body() body: SignupDto, @Req() request: Request): Promise<SignupResponse> {
    return this.signups.signup(body, request.ip ?? 'unknown');
  }

  @AuditedInService('user.email_verified')
  @ApiOkResponse({ type: VerifiedEmailResponse })
  @ApiNotFoundResponse({ description: 'The link is not valid' })
  @ApiGoneResponse({ description: 'The link was used already or has expired' })
  @Post('auth/verify-email')
  @HttpCode(200)
  verify(@Body() body: TokenDto): Promise<VerifiedEmailResponse> {
    return this.signups.verify(body.token);
  }

  @AuditedInService('user.verification_resent')
  @ApiAcceptedResponse({ type: AcceptedResponse, description: 'The same answer whether or not the account exists' })
  @ApiTooManyRequestsResponse({ description: 'Too many requests for this address or from this IP' })
  @Post('auth/verify-email/resend')
  @HttpCode(202)
  resend(@Body() body: TenantAccountDto, @Req() request: Request): Promise<AcceptedResponse> {
    return this.signups.resend(body, { host: request.headers.host, ip: request.ip ?? 'unknown' });
  }
}
