import { ConflictException, ForbiddenException, GoneException, Injectable, NotFoundException } from '@nestjs/common';
import { AuditWriter } from '@tenantry/audit';
import { AppConfig } from '@tenantry/config';
import { hashPassword, roleRank, TokenPair } from '@tenantry/auth';
import type { Invitation, TenantRole, User } from '@tenantry/db';
import { EventLog } from '@tenantry/events';
import { MailOutbox } from '@tenantry/mail';
import { CountedLimits, LIMIT } from '@tenantry/plans';
import { TenantDirectoryRepository, TenantPrincipal, TenantTransaction } from '@tenantry/tenancy';
import { parseOneTimeToken, newOneTimeToken } from '../account-tokens/one-time-token';
import { TenantSessionsService } from '../auth/tenant-sessions.service';
import { decodeCursor, Page, toPage } from '../pagination/cursor';
import { toUserResponse } from '../users/dto/user.dto';
import {
  AcceptInvitationDto,
  CreateInvitationDto,
  InvitationPreviewResponse,
  InvitationResponse,
  invitationStatus,
  ListInvitationsQuery,
  toInvitationResponse,
} from './dto/invitation.dto';
import { INVITATION_TTL_MS, invitationMessage } from './invitation-mail';
import { InvitationsRepository } from './invitations.repository';

const GONE: Record<string, string> = {
  accepted: 'This invitation has already been accepted',
  revoked: 'This invitation has been revoked',
  expired: 'This invitation has expired; ask for a new one',
};

/**
 * Invitations: an admin (or owner) invites an address with a role at most their own; the mail
 * carries a one-time link; accepting it sets the password and signs the new member in. A pending
 * invitation holds a seat. The token exists only in the mail: the row keeps its SHA-256.
 */
@Injectable()
export class InvitationsService {
  constructor(
    private readonly repository: InvitationsRepository,
    private readonly tenantTransaction: TenantTransaction,
    private readonly directory: TenantDirectoryRepository,
    private readonly countedLimits: CountedLimits,
    private readonly outbox: MailOutbox,
    private readonly audit: AuditWriter,
    private readonly events: EventLog,
    private readonly sessions: TenantSessionsService,
    private readonly config: AppConfig,
  ) {}

  async list(query: ListInvitationsQuery): Promise<Page<InvitationResponse>> {
    return toPage(await this.repository.list(query.status, query.limit, decodeCursor(query.cursor)), query.limit, toInvitationResponse);
  }

  async create(actor: TenantPrincipal, input: CreateInvitationDto): Promise<InvitationResponse> {
    assertMayInvite(actor, input.role);
    if (await this.repository.userWithEmail(input.email)) throw new ConflictException('A user with this email exists');
    await this.repository.expirePendingFor(input.email);
    // Counted under the seat lock, so concurrent invitations cannot overfill the plan.
    await this.countedLimits.assertAvailable(LIMIT.SEATS, () => this.seatsInUse());
    const invitation = await this.send(actor, { email: input.email, role: input.role, userId: null });
    return toInvitationResponse(invitation);
  }

  /** `POST /v1/users` without a password: the user exists (and holds its seat); the invitation sets its password. */
  async inviteExistingUser(actor: TenantPrincipal, user: Pick<User, 'id' | 'email' | 'role'>): Promise<Invitation> {
    return this.send(actor, { email: user.email, role: user.role, userId: user.id });
  }

  /** Users plus the seats pending invitations hold. */
  async seatsInUse(countUsers?: () => Promise<number>): Promise<number> {
    const [users, invited] = await Promise.all([countUsers ? countUsers() : this.countUsers(), this.repository.countHoldingSeats()]);
    return users + invited;
  }

  async revoke(id: string): Promise<void> {
    const invitation = await this.require(id);
    if (invitation.status === 'revoked') return;
    if (invitation.status === 'accepted') throw new ConflictException('This invitation has already been accepted');
    await this.repository.update(id, { status: 'revoked', revokedAt: new Date() });
    await this.audit.write({ action: 'invitation.revoked', resourceType: 'invitation', resourceId: id, changes: { email: invitation.email } });
  }

  /** A new token and seven more days; the old link stops working. */
  async resend(actor: TenantPrincipal, id: string): Promise<InvitationResponse> {
    const invitation = await this.require(id);
    if (invitation.status === 'accepted' || invitation.status === 'revoked') throw new ConflictException(GONE[invitation.status]);
    assertMayInvite(actor, invitation.role);
    if (invitationStatus(invitation) === 'expired' && !invitation.userId) await this.countedLimits.assertAvailable(LIMIT.SEATS, () => this.seatsInUse());
    const { token, hash } = newOneTimeToken('invitation', this.tenantTransaction.tenantId);
    const updated = await this.repository.update(id, { status: 'pending', tokenHash: hash, expiresAt: new Date(Date.now() + INVITATION_TTL_MS) });
    await this.outbox.queue(invitationMessage(this.config.get('APP_URL'), { email: updated.email, role: updated.role, token, expiresAt: updated.expiresAt }));
    await this.audit.write({ action: 'invitation.resent', resourceType: 'invitation', resourceId: id, changes: { email: updated.email } });
    return toInvitationResponse(updated);
  }

  /** For the accept page: whom the invitation is for, and from which tenant. */
  async preview(token: string): Promise<InvitationPreviewResponse> {
    const parsed = parseOneTimeToken('invitation', token);
    if (!parsed) throw new NotFoundException('Invitation not found');
    return this.tenantTransaction.run({ tenantId: parsed.tenantId }, async () => {
      const invitation = await this.usable(parsed.hash, false);
      const tenant = (await this.directory.current())!;
      return { tenant: { slug: tenant.slug, name: tenant.name }, email: invitation.email, role: invitation.role, expiresAt: invitation.expiresAt };
    });
  }

  /** Sets the password (creating the user if it does not exist yet), marks the address verified, signs in. */
  async accept(input: AcceptInvitationDto): Promise<TokenPair> {
    const parsed = parseOneTimeToken('invitation', input.token);
    if (!parsed) throw new NotFoundException('Invitation not found');
    // Slow hashing before the transaction, never inside it.
    const passwordHash = await hashPassword(input.password);
    return this.tenantTransaction.run({ tenantId: parsed.tenantId }, async () => {
      const invitation = await this.usable(parsed.hash, true);
      let user: User | undefined;
      if (invitation.userId) {
        user = await this.repository.setPasswordOfInvitedUser(invitation.userId, passwordHash);
        if (!user) throw new GoneException(GONE.accepted);
      } else {
        if (await this.repository.userWithEmail(invitation.email)) throw new ConflictException('A user with this email exists');
        user = await this.repository.createUser({ email: invitation.email, role: invitation.role, passwordHash });
        await this.events.record('user.created', { object: { ...toUserResponse(user) } });
      }
      await this.repository.update(invitation.id, { status: 'accepted', acceptedAt: new Date(), userId: user.id });
      const actor = { type: 'user' as const, id: user.id };
      await this.audit.write({ action: 'invitation.accepted', resourceType: 'invitation', resourceId: invitation.id, changes: { email: user.email, role: user.role, userId: user.id }, actor });
      await this.events.record('invitation.accepted', { object: { id: invitation.id, email: user.email, role: user.role, userId: user.id } });
      return this.sessions.start({ id: user.id, tenantId: parsed.tenantId, role: user.role });
    });
  }

  private async send(actor: TenantPrincipal, input: { email: string; role: TenantRole; userId: string | null }): Promise<Invitation> {
    const { token, hash } = newOneTimeToken('invitation', this.tenantTransaction.tenantId);
    const invitation = await this.repository.create({
      email: input.email,
      role: input.role,
      tokenHash: hash,
      expiresAt: new Date(Date.now() + INVITATION_TTL_MS),
      userId: input.userId,
      invitedBy: actor.actorType === 'user' ? actor.subjectId : null,
    });
    await this.outbox.queue(invitationMessage(this.config.get('APP_URL'), { email: invitation.email, role: invitation.role, token, expiresAt: invitation.expiresAt }));
    await this.audit.write({ action: 'user.invited', resourceType: 'invitation', resourceId: invitation.id, changes: { after: { email: invitation.email, role: invitation.role } } });
    return invitation;
  }

  /** The invitation of a token, if it can still be used: 404 unknown, 410 accepted, revoked or expired. */
  private async usable(hash: string, forUpdate: boolean): Promise<Invitation> {
    const invitation = await this.repository.findByTokenHash(hash, { forUpdate });
    if (!invitation) throw new NotFoundException('Invitation not found');
    const status = invitationStatus(invitation);
    if (status !== 'pending') throw new GoneException(GONE[status]);
    const tenant = await this.directory.current();
    if (!tenant || tenant.status !== 'active') throw new ForbiddenException(`Tenant is ${tenant?.status ?? 'deleted'}`);
    return invitation;
  }

  private async require(id: string): Promise<Invitation> {
    const invitation = await this.repository.find(id);
    if (!invitation) throw new NotFoundException('Invitation not found');
    return invitation;
  }

  private async countUsers(): Promise<number> {
    return this.repository.countUsers();
  }
}

/** The role of an invitation is at most the inviter's own. */
function assertMayInvite(actor: TenantPrincipal, role: TenantRole): void {
  if (roleRank(role) < roleRank(actor.role)) throw new ForbiddenException(`An ${actor.role} cannot invite an ${role}`);
}
