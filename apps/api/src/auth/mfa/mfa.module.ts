import { Module } from '@nestjs/common';
import { SecretsModule } from '@tenantry/secrets';
import { LoginThrottleModule } from './login-throttle.module';
import { MfaRequirementGuard } from './mfa-requirement.guard';
import { UserMfaRepository } from './user-mfa.repository';
import { UserMfaService } from './user-mfa.service';

/** Tenant users' TOTP factors and the guard that enforces `security.requireMfa`. */
@Module({
  imports: [SecretsModule, LoginThrottleModule],
  providers: [UserMfaRepository, UserMfaService, MfaRequirementGuard],
  exports: [UserMfaService, MfaRequirementGuard, LoginThrottleModule],
})
export class MfaModule {}
