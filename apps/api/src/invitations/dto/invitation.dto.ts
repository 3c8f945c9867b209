import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsAcceptablePassword } from '@tenantry/auth';
import { INVITATION_STATUSES, TENANT_ROLES, type Invitation, type InvitationStatus, type TenantRole } from '@tenantry/db';
import { PageQuery } from '../../pagination/cursor';
import { ToEmail } from '../../validation';

export class CreateInvitationDto {
  /** @example "grace@acme.example" */
  @ToEmail()
  @IsEmail()
  @MaxLength(254)
  email: string;

  /** At most the inviter's own role. @example "member" */
  @IsIn(TENANT_ROLES)
  role: TenantRole;
}

export class ListInvitationsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: INVITATION_STATUSES, description: 'Only invitations in this state' })
  @IsOptional()
  @IsIn(INVITATION_STATUSES)
  status?: InvitationStatus;
}

export class AcceptInvitationDto {
  /** The token of the invitation link. @example "inv_0b7e2c8a-4f49-4a55-9c0c-58f1a7c1d2e3.Yp3..." */
  @IsString()
  @MaxLength(200)
  token: string;

  /** The new user's password: at least 10 characters, 4 of them distinct. @example "correct horse battery" */
  @IsAcceptablePassword()
  password: string;
}

/** An invitation as the API shows it; the token is only ever in the mail. */
export class InvitationResponse {
  /** @example "4a1f0e1c-2b7e-4c1e-9a51-0e6e5f3f8b10" */
  id: string;

  /** @example "grace@acme.example" */
  email: string;

  /** @example "member" */
  role: TenantRole;

  /** `expired` once a pending invitation is past `expiresAt`. @example "pending" */
  status: InvitationStatus;

  expiresAt: Date;

  createdAt: Date;

  acceptedAt: Date | null;

  revokedAt: Date | null;
}

/** One page of invitations, newest first. */
export class InvitationPage {
  data: InvitationResponse[];

  /** Null on the last page. @example null */
  nextCursor: string | null;
}

export class InvitationTenant {
  /** @example "acme" */
  slug: string;

  /** @example "Acme Inc." */
  name: string;
}

/** What the accept page shows before the invitee chooses a password. */
export class InvitationPreviewResponse {
  tenant: InvitationTenant;

  /** @example "grace@acme.example" */
  email: string;

  /** @example "member" */
  role: TenantRole;

  expiresAt: Date;
}

export function invitationStatus(invitation: Pick<Invitation, 'status' | 'expiresAt'>, now = Date.now()): InvitationStatus {
  return invitation.status === 'pending' && invitation.expiresAt.getTime() <= now ? 'expired' : invitation.status;
}

export function toInvitationResponse(invitation: Invitation): InvitationResponse {
  return {
    id: invitation.id,
    email: invitation.email,
    role: invitation.role,
    status: invitationStatus(invitation),
    expiresAt: invitation.expiresAt,
    createdAt: invitation.createdAt,
    acceptedAt: invitation.acceptedAt,
    revokedAt: invitation.revokedAt,
  };
}
