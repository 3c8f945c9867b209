import { Body, Controller, Delete, Get, Header, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiConflictResponse, ApiCreatedResponse, ApiGoneResponse, ApiNotFoundResponse, ApiOkResponse } from '@nestjs/swagger';
import { AuditedInService } from '@tenantry/audit';
import { CurrentTenantPrincipal, Public, RefuseImpersonation, Roles } from '@tenantry/auth';
import type { TenantPrincipal } from '@tenantry/tenancy';
import { TenantRequests } from '@tenantry/tenancy';
import { TokenPairResponse } from '../auth/dto/token-pair.dto';
import {
  AcceptInvitationDto,
  CreateInvitationDto,
  InvitationPage,
  InvitationPreviewResponse,
  InvitationResponse,
  ListInvitationsQuery,
} from './dto/invitation.dto';
import { InvitationsService } from './invitations.service';

@Roles('admin')
@TenantRequests()
@Controller('v1/invitations')
export class InvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  @Get()
  list(@Query() query: ListInvitationsQuery): Promise<InvitationPage> {
    return this.invitations.list(query);
  }

  @AuditedInService('user.invited')
  @RefuseImpersonation('an owner invited by an impersonator outlives the impersonation', (body) => body.role === 'owner')
  @ApiCreatedResponse({ type: InvitationResponse })
  @ApiConflictResponse({ description: 'A user or a pending invitation has this email' })
  @Post()
  create(@CurrentTenantPrincipal() actor: TenantPrincipal, @Body() body: CreateInvitationDto): Promise<InvitationResponse> {
    return this.invitations.create(actor, body);
  }

  @AuditedInService('invitation.revoked')
  @ApiConflictResponse({ description: 'The invitation has already been accepted' })
  @Delete(':id')
  @HttpCode(204)
  async revoke(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.invitations.revoke(id);
  }

  @AuditedInService('invitation.resent')
  @ApiAcceptedResponse({ type: InvitationResponse, description: 'A new link is mailed; the old one stops working' })
  @ApiConflictResponse({ description: 'The invitation has been accepted or revoked' })
  @Post(':id/resend')
  @HttpCode(202)
  resend(@CurrentTenantPrincipal() actor: TenantPrincipal, @Param('id', ParseUUIDPipe) id: string): Promise<InvitationResponse> {
    return this.invitations.resend(actor, id);
  }
}

/** The invitee's side: no credentials but the token of the mailed link. */
@Public()
@Controller('v1/auth/invitations')
export class InvitationAcceptanceController {
  constructor(private readonly invitations: InvitationsService) {}

  @ApiOkResponse({ type: InvitationPreviewResponse })
  @ApiNotFoundResponse({ description: 'No invitation has this token' })
  @ApiGoneResponse({ description: 'The invitation was accepted, revoked or has expired' })
  @Get(':token')
  preview(@Param('token') token: string): Promise<InvitationPreviewResponse> {
    return this.invitations.preview(token);
  }

  @AuditedInService('invitation.accepted')
  @ApiOkResponse({ type: TokenPairResponse })
  @ApiNotFoundResponse({ description: 'No invitation has this token' })
  @ApiGoneResponse({ description: 'The invitation was accepted, revoked or has expired' })
  @ApiConflictResponse({ description: 'A user with this email exists' })
  @Post('accept')
  @Header('Cache-Control', 'no-store')
  @HttpCode(200)
  accept(@Body() body: AcceptInvitationDto): Promise<TokenPairResponse> {
    return this.invitations.accept(body);
  }
}

