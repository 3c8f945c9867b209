import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { AuditTrail } from '@tenantry/audit';
import { hashPassword } from '@tenantry/auth';
import type { TenantRole, User } from '@tenantry/db';
import { EventLog } from '@tenantry/events';
import { CountedLimits, LIMIT } from '@tenantry/plans';
import type { TenantPrincipal } from '@tenantry/tenancy';
import { UserMfaService } from '../auth/mfa/user-mfa.service';
import { RefreshTokensRepository } from '../auth/refresh-tokens.repository';
import { InvitationsService } from '../invitations/invitations.service';
import { decodeCursor, Page, PageQuery, toPage } from '../pagination/cursor';
import { CreateUserDto, toUserResponse, UpdateUserDto, UserResponse } from './dto/user.dto';
import { UsersRepository } from './users.repository';


/**
 * Membership rules. Route access (admin and up) is the guard's job; these are the rules about
 * whom an actor may touch: only owners make, change or remove owners, and the last owner stays.
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly repository: UsersRepository,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly countedLimits: CountedLimits,
    private readonly trail: AuditTrail,
    private readonly events: EventLog,
    private readonly mfa: UserMfaService,
    private readonly invitations: InvitationsService,
  ) {}

  async list(query: PageQuery): Promise<Page<UserResponse>> {
    return toPage(await this.repository.list(query.limit, decodeCursor(query.cursor)), query.limit, toUserResponse);
  }

  async create(actor: TenantPrincipal, input: CreateUserDto): Promise<UserResponse> {
    this.assertMayGrant(actor, input.role);
    // Pending invitations hold seats too.
    await this.countedLimits.assertAvailable(LIMIT.SEATS, () => this.invitations.seatsInUse(() => this.repository.count()));
    const passwordHash = input.password ? await hashPassword(input.password) : null;
    const row = await this.repository.create({ email: input.email, role: input.role, passwordHash });
    const user = toUserResponse(row);
    await this.events.record('user.created', { object: { ...user } });
    // Without a password the user is invited: the mailed link lets them choose one.
    if (!passwordHash) await this.invitations.inviteExistingUser(actor, row);
    return user;
  }

  async update(actor: TenantPrincipal, id: string, input: UpdateUserDto): Promise<UserResponse> {
    const target = await this.require(id);
    const previous = toUserResponse(target);
    this.trail.recordBefore(previous);
    this.assertMayManage(actor, target);
    this.assertMayGrant(actor, input.role);
    if (target.role === 'owner' && input.role !== 'owner') await this.assertAnotherOwnerRemains(target.id);
    const updated = toUserResponse((await this.repository.updateRole(id, input.role))!);
    if (input.role !== target.role) {
      await this.refreshTokens.revokeAllOfUser(id);
      await this.events.record('user.role_changed', { object: { ...updated }, previous: { ...previous } });
    }
    return updated;
  }

  /**
   * The user stays (its history, identities and role) but cannot sign in: its refresh tokens are
   * revoked now and its access tokens fail their next request (the per-request check finds no
   * active user); it holds no seat. The last active owner cannot be deactivated.
   */
  async deactivate(actor: TenantPrincipal, id: string): Promise<UserResponse> {
    const target = await this.require(id);
    const previous = toUserResponse(target);
    this.trail.recordBefore(previous);
    this.assertMayManage(actor, target);
    if (target.status === 'deactivated') return previous;
    if (target.role === 'owner') await this.assertAnotherOwnerRemains(target.id);
    const updated = toUserResponse((await this.repository.setStatus(id, 'deactivated'))!);
    await this.refreshTokens.revokeAllOfUser(id);
    await this.events.record('user.deactivated', { object: { ...updated } });
    return updated;
  }

  /** Active again: it takes a seat (403 when none is free) and may sign in. */
  async restore(actor: TenantPrincipal, id: string): Promise<UserResponse> {
    const target = await this.require(id);
    const previous = toUserResponse(target);
    this.trail.recordBefore(previous);
    this.assertMayManage(actor, target);
    if (target.status === 'active') return previous;
    await this.countedLimits.assertAvailable(LIMIT.SEATS, () => this.repository.count());
    const updated = toUserResponse((await this.repository.setStatus(id, 'active'))!);
    await this.events.record('user.restored', { object: { ...updated } });
    return updated;
  }

  /** Its refresh tokens go with it; API keys it created belong to the tenant and stay. */
  async remove(actor: TenantPrincipal, id: string): Promise<void> {
    const target = await this.require(id);
    const user = toUserResponse(target);
    this.trail.recordBefore(user);
    this.assertMayManage(actor, target);
    if (target.role === 'owner') await this.assertAnotherOwnerRemains(target.id);
    await this.refreshTokens.revokeAllOfUser(id);
    // Its MFA secrets are tenant secrets, which no foreign key takes along.
    await this.mfa.forget(id);
    await this.repository.remove(id);
    await this.events.record('user.removed', { object: { ...user } });
  }

  private async require(id: string): Promise<User> {
    const user = await this.repository.find(id);
    if (!user) throw new NotFoundException('User not found');
    return user;
  }

  private assertMayGrant(actor: TenantPrincipal, role: TenantRole): void {
    if (role === 'owner' && actor.role !== 'owner') throw new ForbiddenException('Only an owner can make owners');
  }

  private assertMayManage(actor: TenantPrincipal, target: User): void {
    if (target.role === 'owner' && actor.role !== 'owner') throw new ForbiddenException('Only an owner can change or remove an owner');
  }

  private async assertAnotherOwnerRemains(ownerId: string): Promise<void> {
    const owners = await this.repository.lockOwners();
    if (owners.filter((id) => id !== ownerId).length === 0) {
      throw new ConflictException('The last owner can be neither removed nor demoted');
    }
  }
}
