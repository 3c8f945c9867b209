import { BadRequestException, ConflictException, Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '@tenantry/config';
import { adminSecretContext, MASTER_KEY_PROVIDER, MasterKeyProvider } from '@tenantry/secrets';
import { LoginThrottle } from '../auth/login-throttle';
import type { MfaProof } from '../auth/mfa/user-mfa.service';
import { acceptedTimeStep, newRecoveryCodes, newTotpSecret, otpauthUrl, recoveryCodeHash } from '../auth/mfa/totp';
import { AdminMfaRepository } from './admin-mfa.repository';


/**
 * System admins' TOTP factors, the twin of UserMfaService. System admins have no tenant data key:
 * their secrets are wrapped by the MASTER_KEYS ring directly (rewrapped by `npm run keys:rotate`).
 * Every method runs in the active SystemTransaction.
 */
@Injectable()
export class AdminMfaService {
  constructor(
    private readonly repository: AdminMfaRepository,
    @Inject(MASTER_KEY_PROVIDER) private readonly masterKeys: MasterKeyProvider,
    private readonly throttle: LoginThrottle,
    private readonly config: AppConfig,
  ) {}

  isEnabled(adminId: string): Promise<boolean> {
    return this.repository.isEnabled(adminId);
  }

  async begin(adminId: string, email: string): Promise<{ secret: string; otpauthUrl: string }> {
    const secret = newTotpSecret();
    await this.repository.savePending(adminId, await this.masterKeys.wrap(Buffer.from(secret, 'utf8'), adminSecretContext(adminId)));
    return { secret, otpauthUrl: otpauthUrl(`${this.config.get('JWT_ISSUER')} admin`, email, secret) };
  }

  async confirm(adminId: string, code: string, ip: string): Promise<string[]> {
    const row = await this.repository.find(adminId);
    if (!row?.pendingCiphertext || !row.pendingKeyVersion) throw new ConflictException('No enrolment is pending: start one with POST /v1/admin/me/mfa/totp');
    const secret = await this.unwrap(adminId, row.pendingCiphertext, row.pendingKeyVersion);
    const account = this.account(adminId);
    await this.throttle.assertAllowed(account, ip);
    const timeStep = acceptedTimeStep(secret, code);
    if (timeStep === undefined) {
      await this.throttle.recordFailure(account, ip);
      throw new BadRequestException('code is not a current code of the pending secret');
    }
    await this.throttle.recordSuccess(account);
    await this.repository.enable(adminId, timeStep);
    const recoveryCodes = newRecoveryCodes();
    await this.repository.replaceRecoveryCodes(adminId, recoveryCodes.map(recoveryCodeHash));
    return recoveryCodes;
  }

  async disable(adminId: string, code: string, ip: string): Promise<void> {
    if (!(await this.repository.isEnabled(adminId))) throw new ConflictException('MFA is not enabled');
    if (this.config.get('SYSTEM_ADMIN_REQUIRE_MFA')) throw new ConflictException('System admins must use MFA (SYSTEM_ADMIN_REQUIRE_MFA): it cannot be turned off');
    const account = this.account(adminId);
    await this.throttle.assertAllowed(account, ip);
    if ((await this.check(adminId, { code })) === undefined) {
      await this.throttle.recordFailure(account, ip);
      throw new BadRequestException('code is not a current code of the authenticator');
    }
    await this.throttle.recordSuccess(account);
    await this.repository.remove(adminId);
  }

  async check(adminId: string, proof: MfaProof): Promise<'code' | 'recovery_code' | undefined> {
    const row = await this.repository.find(adminId);
    if (!row?.enabledAt || !row.secretCiphertext || !row.secretKeyVersion) return undefined;
    if (proof.recoveryCode !== undefined) {
      return (await this.repository.useRecoveryCode(adminId, recoveryCodeHash(proof.recoveryCode))) ? 'recovery_code' : undefined;
    }
    if (proof.code === undefined) return undefined;
    const secret = await this.unwrap(adminId, row.secretCiphertext, row.secretKeyVersion);
    const timeStep = acceptedTimeStep(secret, proof.code, row.lastTimeStep);
    if (timeStep === undefined) return undefined;
    return (await this.repository.takeTimeStep(adminId, timeStep)) ? 'code' : undefined;
  }

  account(adminId: string): string {
    return `mfa:system:${adminId}`;
  }

  private async unwrap(adminId: string, wrappedKey: string, masterKeyVersion: string): Promise<string> {
    return (await this.masterKeys.unwrap({ wrappedKey, masterKeyVersion }, adminSecretContext(adminId))).toString('utf8');
  }
}
