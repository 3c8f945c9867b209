import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import { EffectiveConfigService } from '@tenantry/plans';
import { TenantSecrets } from '@tenantry/secrets';
import { TenantDirectoryRepository, TenantTransaction } from '@tenantry/tenancy';
import { LoginThrottle } from '../login-throttle';
import { isMfaRequired } from './mfa-requirement';
import { acceptedTimeStep, newRecoveryCodes, newTotpSecret, otpauthUrl, recoveryCodeHash } from './totp';
import { UserMfaRepository } from './user-mfa.repository';

/** The second factor a sign-in presents: a current TOTP code or one of the recovery codes. */
export interface MfaProof {
  code?: string;
  recoveryCode?: string;
}

// The secrets are tenant secrets: encrypted with the tenant's data key, rotated with it, shredded with the tenant.
const activeSecret = (userId: string) => `mfa:${userId}:totp`;
const pendingSecret = (userId: string) => `mfa:${userId}:totp_pending`;

/**
 * Tenant users' TOTP factors: enrolment (pending until a code confirms it), recovery codes,
 * verification at sign-in and removal. Every method runs in the active tenant transaction. Wrong
 * codes count against `mfa:<tenant>:<user>` like failed logins (LOGIN_MAX_FAILURES_PER_ACCOUNT).
 */
@Injectable()
export class UserMfaService {
  constructor(
    private readonly repository: UserMfaRepository,
    private readonly secrets: TenantSecrets,
    private readonly directory: TenantDirectoryRepository,
    private readonly effectiveConfig: EffectiveConfigService,
    private readonly tenantTransaction: TenantTransaction,
    private readonly throttle: LoginThrottle,
  ) {}

  isEnabled(userId: string): Promise<boolean> {
    return this.repository.isEnabled(userId);
  }

  async tenantRequiresMfa(): Promise<boolean> {
    return isMfaRequired((await this.effectiveConfig.current()).settings);
  }

  /** A new secret, pending until confirmed; an enabled factor stays in force until then. */
  async begin(userId: string, email: string): Promise<{ secret: string; otpauthUrl: string }> {
    const tenant = await this.directory.current();
    const secret = newTotpSecret();
    await this.secrets.put(pendingSecret(userId), secret);
    await this.repository.markPending(userId);
    return { secret, otpauthUrl: otpauthUrl(tenant?.name ?? 'tenantry', email, secret) };
  }

  /** A code of the pending secret makes it the factor; answers the new recovery codes (the old ones end). */
  async confirm(userId: string, code: string, ip: string): Promise<string[]> {
    const row = await this.repository.find(userId);
    const secret = row?.pendingSince ? await this.secrets.get(pendingSecret(userId)) : undefined;
    if (!secret) throw new ConflictException('No enrolment is pending: start one with POST /v1/me/mfa/totp');
    const account = this.account(userId);
    await this.throttle.assertAllowed(account, ip);
    const timeStep = acceptedTimeStep(secret, code);
    if (timeStep === undefined) {
      await this.throttle.recordFailure(account, ip);
      throw new BadRequestException('code is not a current code of the pending secret');
    }
    await this.throttle.recordSuccess(account);
    await this.secrets.put(activeSecret(userId), secret);
    await this.secrets.delete(pendingSecret(userId));
    await this.repository.enable(userId, timeStep);
    const recoveryCodes = newRecoveryCodes();
    await this.repository.replaceRecoveryCodes(userId, recoveryCodes.map(recoveryCodeHash));
    return recoveryCodes;
  }

  /** Turns MFA off with a current code; refused while the tenant requires MFA. */
  async disable(userId: string, code: string, ip: string): Promise<void> {
    if (!(await this.repository.isEnabled(userId))) throw new ConflictException('MFA is not enabled');
    if (await this.tenantRequiresMfa()) throw new ConflictException('This tenant requires MFA (security.requireMfa): it cannot be turned off');
    const account = this.account(userId);
    await this.throttle.assertAllowed(account, ip);
    if ((await this.check(userId, { code })) === undefined) {
      await this.throttle.recordFailure(account, ip);
      throw new BadRequestException('code is not a current code of the authenticator');
    }
    await this.throttle.recordSuccess(account);
    await this.forget(userId);
  }

  /**
   * Which proof was accepted (and used up: a code's time step, a recovery code), or undefined.
   * The caller throttles failures (the sign-in records them outside its transaction).
   */
  async check(userId: string, proof: MfaProof): Promise<'code' | 'recovery_code' | undefined> {
    const row = await this.repository.find(userId);
    if (!row?.enabledAt) return undefined;
    if (proof.recoveryCode !== undefined) {
      return (await this.repository.useRecoveryCode(userId, recoveryCodeHash(proof.recoveryCode))) ? 'recovery_code' : undefined;
    }
    const secret = proof.code !== undefined ? await this.secrets.get(activeSecret(userId)) : undefined;
    const timeStep = secret ? acceptedTimeStep(secret, proof.code!, row.lastTimeStep) : undefined;
    if (timeStep === undefined) return undefined;
    return (await this.repository.takeTimeStep(userId, timeStep)) ? 'code' : undefined;
  }

  /** Everything of the user's MFA: call when the user goes (the rows go with it; the secrets must be deleted). */
  async forget(userId: string): Promise<void> {
    await this.secrets.delete(activeSecret(userId));
    await this.secrets.delete(pendingSecret(userId));
    await this.repository.remove(userId);
  }

  /** Wrong codes of one user count here, apart from failed passwords. */
  account(userId: string): string {
    return `mfa:${this.tenantTransaction.tenantId}:${userId}`;
  }
}
