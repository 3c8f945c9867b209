import { BadRequestException, Injectable, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { hashPassword, TokenPair, verifyPassword } from '@tenantry/auth';
import { LoginThrottle } from '../auth/login-throttle';
import { AdminSessionsService } from './admin-sessions.service';
import type { Tenant } from '@tenantry/db';
import { AdminRepository } from './admin.repository';
import { parseConfigOverrides } from './config-overrides';
import { AdminLoginDto } from './dto/admin-login.dto';
import { CreateTenantDto } from './dto/create-tenant.dto';

export const presentTenant = (tenant: Tenant) => ({
  id: tenant.id,
  slug: tenant.slug,
  name: tenant.name,
  plan: tenant.plan,
  status: tenant.status,
  config: tenant.config,
  settings: tenant.settings,
  createdAt: tenant.createdAt,
  updatedAt: tenant.updatedAt,
});

@Injectable()
export class AdminService {
  constructor(
    private readonly repository: AdminRepository,
    private readonly sessions: AdminSessionsService,
    private readonly throttle: LoginThrottle,
  ) {}

  async login(input: AdminLoginDto, ip: string): Promise<TokenPair> {
    const account = `system:${input.email}`;
    await this.throttle.assertAllowed(account, ip);
    const admin = await this.repository.findAdminByEmail(input.email);
    const isValid = await verifyPassword(admin?.passwordHash, input.password);
    if (!admin || !isValid) {
      await this.throttle.recordFailure(account, ip);
      throw new UnauthorizedException('Invalid credentials');
    }
    await this.throttle.recordSuccess(account);
    return this.sessions.start(admin.id);
  }

  /** All or nothing; a taken slug is a 409 from the unique constraint, mapped once by the filter. */
  async provisionTenant(input: CreateTenantDto) {
    const config = parseConfigOverrides(input.config);
    if (!(await this.repository.planExists(input.plan))) {
      throw new BadRequestException(`plan "${input.plan}" does not exist`);
    }
    const temporaryPassword = input.admin.password ? undefined : randomBytes(12).toString('base64url');
    // Hashing is slow: done before the transaction opens, never inside it.
    const passwordHash = await hashPassword(input.admin.password ?? temporaryPassword!);
    const { tenant, owner } = await this.repository.createTenantWithOwner({
      slug: input.slug,
      name: input.name,
      plan: input.plan,
      config,
      owner: { email: input.admin.email, passwordHash },
    });
    return {
      tenant: presentTenant(tenant),
      admin: { id: owner.id, email: owner.email, role: owner.role, ...(temporaryPassword ? { temporaryPassword } : {}) },
    };
  }

  async getTenant(id: string) {
    const tenant = await this.repository.findTenant(id);
    if (!tenant) throw new NotFoundException('Tenant not found');
    return presentTenant(tenant);
  }
}
