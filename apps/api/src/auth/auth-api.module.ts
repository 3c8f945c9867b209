import { Module } from '@nestjs/common';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { ImpersonationGuard } from './impersonation.guard';
import { LoginThrottle } from './login-throttle';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { TenantSessionsService } from './tenant-sessions.service';
import { UsersAuthRepository } from './users-auth.repository';

/** Tenant login, refresh-token rotation, logout and the caller's identity. */
@Module({
  controllers: [AuthController],
  providers: [AuthService, ImpersonationGuard, LoginThrottle, RefreshTokensRepository, TenantSessionsService, UsersAuthRepository],
  exports: [AuthService, ImpersonationGuard, LoginThrottle, RefreshTokensRepository, TenantSessionsService],
})
export class AuthApiModule {}
