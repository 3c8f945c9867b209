import { Injectable, UnauthorizedException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '@tenantry/config';
import { randomSecret, sha256, TokenPair, TokenService, verifyPassword } from '@tenantry/auth';
import { SystemTransaction } from '@tenantry/system-db';
import { LoginThrottle } from '../auth/login-throttle';
import { AdminSessionsRepository } from './admin-sessions.repository';
import { AdminLoginDto } from './dto/admin-login.dto';

/** System-admin refresh tokens are `art_<secret>`: never mistaken for a tenant's `rt_` token. */
const ADMIN_REFRESH_TOKEN = /^art_[A-Za-z0-9_-]{43}$/;

type RefreshOutcome = { kind: 'issued'; pair: TokenPair } | { kind: 'reused' } | { kind: 'invalid' };

/** The system-admin twin of tenant sessions: login (throttled), rotation, reuse detection, logout. */
@Injectable()
export class AdminSessionsService {
  constructor(
    private readonly system: SystemTransaction,
    private readonly repository: AdminSessionsRepository,
    private readonly throttle: LoginThrottle,
    private readonly tokens: TokenService,
    private readonly config: AppConfig,
  ) {}

  async login(input: AdminLoginDto, ip: string): Promise<TokenPair> {
    const account = `system:${input.email}`;
    await this.throttle.assertAllowed(account, ip);
    const admin = await this.system.run(() => this.repository.findAdminByEmail(input.email));
    const isValid = await verifyPassword(admin?.passwordHash, input.password);
    if (!admin || !isValid) {
      await this.throttle.recordFailure(account, ip);
      throw new UnauthorizedException('Invalid credentials');
    }
    await this.throttle.recordSuccess(account);
    return this.start(admin.id);
  }

  start(adminId: string): Promise<TokenPair> {
    return this.system.run(() => this.issue(adminId, randomUUID()));
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    if (!ADMIN_REFRESH_TOKEN.test(refreshToken)) throw new UnauthorizedException('Invalid refresh token');
    const outcome = await this.system.run(async (): Promise<RefreshOutcome> => {
      const row = await this.repository.findByHashForUpdate(sha256(refreshToken));
      if (!row || row.revokedAt || row.expiresAt.getTime() <= Date.now()) return { kind: 'invalid' };
      if (row.usedAt) {
        await this.repository.revokeFamily(row.familyId);
        return { kind: 'reused' };
      }
      if (!(await this.repository.adminExists(row.adminId))) return { kind: 'invalid' };
      await this.repository.markUsed(row.id);
      return { kind: 'issued', pair: await this.issue(row.adminId, row.familyId) };
    });
    if (outcome.kind === 'issued') return outcome.pair;
    throw new UnauthorizedException(
      outcome.kind === 'reused' ? 'Refresh token was already used; every session of this login is revoked' : 'Invalid refresh token',
    );
  }

  async logout(refreshToken: string): Promise<void> {
    if (!ADMIN_REFRESH_TOKEN.test(refreshToken)) return;
    await this.system.run(async () => {
      const row = await this.repository.findByHashForUpdate(sha256(refreshToken));
      if (row) await this.repository.revokeFamily(row.familyId);
    });
  }

  private async issue(adminId: string, familyId: string): Promise<TokenPair> {
    const refreshToken = `art_${randomSecret()}`;
    await this.repository.insert({
      adminId,
      familyId,
      tokenHash: sha256(refreshToken),
      expiresAt: new Date(Date.now() + this.config.get('REFRESH_TOKEN_TTL') * 1000),
    });
    return { ...(await this.tokens.issueSystemAdminAccess({ id: adminId })), refreshToken };
  }
}
