import { Injectable, NotFoundException } from '@nestjs/common';
import { AuditWriter } from '@tenantry/audit';
import { AppConfig } from '@tenantry/config';
import type { User } from '@tenantry/db';
import { EventLog } from '@tenantry/events';
import { CountedLimits, LIMIT } from '@tenantry/plans';
import type { TenantPrincipal } from '@tenantry/tenancy';
import { toUserResponse } from '../users/dto/user.dto';
import { UsersRepository } from '../users/users.repository';
import { UsersService } from '../users/users.service';
import { parsePatch, parseScimUser, parseUserNameFilter, SCIM_SCHEMA, ScimException, ScimUserChanges, toScimUser } from './scim-protocol';
import { ScimUsersRepository } from './scim-users.repository';

const MAX_COUNT = 100;

/**
 * The tenant's members as its directory manages them, inside the SCIM token's tenant
 * transaction: provisioned users get the `member` role and no password (they sign in through
 * the tenant's SSO), count against seats while active, and `active: false` deactivates them
 * (sessions revoked, seat freed). Owners are out of a directory's reach, as of an admin's.
 */
@Injectable()
export class ScimUsersService {
  constructor(
    private readonly scimUsers: ScimUsersRepository,
    private readonly users: UsersRepository,
    private readonly members: UsersService,
    private readonly countedLimits: CountedLimits,
    private readonly audit: AuditWriter,
    private readonly events: EventLog,
    private readonly config: AppConfig,
  ) {}

  async list(query: { filter?: string; startIndex?: string; count?: string }) {
    const email = parseUserNameFilter(query.filter);
    const startIndex = Math.max(1, integer(query.startIndex, 1));
    const count = Math.min(MAX_COUNT, Math.max(0, integer(query.count, MAX_COUNT)));
    const { total, rows } = await this.scimUsers.page(email, startIndex - 1, count);
    return { schemas: [SCIM_SCHEMA.LIST], totalResults: total, startIndex, itemsPerPage: rows.length, Resources: rows.map((row) => this.present(row)) };
  }

  async get(id: string) {
    return this.present(await this.require(id));
  }

  async create(body: unknown) {
    const input = parseScimUser(body);
    if (await this.users.findByEmail(input.email)) throw new ScimException(409, 'uniqueness', `A user with userName ${input.email} exists`);
    if (input.active) await this.countedLimits.assertAvailable(LIMIT.SEATS, () => this.users.count());
    let user = await this.users.create({ email: input.email, role: 'member', passwordHash: null });
    if (!input.active) user = (await this.users.setStatus(user.id, 'deactivated'))!;
    await this.audit.write({ action: 'user.provisioned', resourceType: 'user', resourceId: user.id, changes: { after: { email: user.email, role: user.role, status: user.status } } });
    await this.events.record('user.created', { object: { ...toUserResponse(user) } });
    return this.present(user);
  }

  async replace(actor: TenantPrincipal, id: string, body: unknown) {
    const input = parseScimUser(body);
    return this.change(actor, id, input);
  }

  async patch(actor: TenantPrincipal, id: string, body: unknown) {
    return this.change(actor, id, parsePatch(body));
  }

  async remove(actor: TenantPrincipal, id: string): Promise<void> {
    const user = await this.require(id);
    await this.members.remove(actor, id);
    await this.audit.write({ action: 'user.removed', resourceType: 'user', resourceId: id, changes: { before: { email: user.email, role: user.role, status: user.status } } });
  }

  private async change(actor: TenantPrincipal, id: string, changes: ScimUserChanges) {
    let user = await this.require(id);
    if (changes.email !== undefined && changes.email !== user.email) {
      const before = user.email;
      const taken = await this.users.findByEmail(changes.email);
      if (taken) throw new ScimException(409, 'uniqueness', `A user with userName ${changes.email} exists`);
      user = (await this.users.updateEmail(id, changes.email))!;
      await this.audit.write({ action: 'user.updated', resourceType: 'user', resourceId: id, changes: { before: { email: before }, after: { email: user.email } } });
    }
    if (changes.active !== undefined && changes.active !== (user.status === 'active')) {
      const before = user.status;
      if (changes.active) await this.members.restore(actor, id);
      else await this.members.deactivate(actor, id);
      user = await this.require(id);
      await this.audit.write({
        action: changes.active ? 'user.restored' : 'user.deactivated',
        resourceType: 'user',
        resourceId: id,
        changes: { before: { status: before }, after: { status: user.status } },
      });
    }
    return this.present(user);
  }

  private async require(id: string): Promise<User> {
    const user = await this.users.find(id);
    if (!user) throw new NotFoundException('User not found');
    return user;
  }

  private present(user: User) {
    return toScimUser(user, `${this.config.get('PUBLIC_URL').replace(/\/$/, '')}/scim/v2/Users/${user.id}`);
  }
}

function integer(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  if (!/^-?\d{1,9}$/.test(value)) throw new ScimException(400, 'invalidValue', 'startIndex and count must be integers');
  return Number(value);
}
