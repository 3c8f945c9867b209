import { Module } from '@nestjs/common';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { ImpersonationGuard } from './impersonation.guard';
import { MfaSignInController } from './mfa/mfa-sign-in.controller';
import { MfaSignInService } from './mfa/mfa-sign-in.service';
import { MfaModule } from './mfa/mfa.module';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { TenantSessionsService } from './tenant-sessions.service';
import { UserSessionsRepository } from './user-sessions.repository';
import { UsersAuthRepository } from './users-auth.repository';

/** Tenant login, refresh-token rotation, logout and the caller's identity. */
@Module({
  imports: [MfaModule],
  controllers: [AuthController, MfaSignInController],
  providers: [AuthService, ImpersonationGuard, MfaSignInService, RefreshTokensRepository, TenantSessionsService, UserSessionsRepository, UsersAuthRepository],
  exports: [AuthService, MfaModule, MfaSignInService, ImpersonationGuard, RefreshTokensRepository, TenantSessionsService, UserSessionsRepository, UsersAuthRepository],
})
export class AuthApiModule {}
