import { Module } from '@nestjs/common';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { ImpersonationGuard } from './impersonation.guard';
import { LoginThrottle } from './login-throttle';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { TenantSessionsService } from './tenant-sessions.service';
import { UserSessionsRepository } from './user-sessions.repository';
import { UsersAuthRepository } from './users-auth.repository';

/** Tenant login, refresh-token rotation, logout and the caller's identity. */
@Module({
  controllers: [AuthController],
  providers: [AuthService, ImpersonationGuard, LoginThrottle, RefreshTokensRepository, TenantSessionsService, UserSessionsRepository, UsersAuthRepository],
  exports: [ImpersonationGuard, LoginThrottle, RefreshTokensRepository, TenantSessionsService, UserSessionsRepository, UsersAuthRepository],
})
export class AuthApiModule {}
