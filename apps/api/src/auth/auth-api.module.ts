import { Module } from '@nestjs/common';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { UsersAuthRepository } from './users-auth.repository';

/** Tenant login and the caller's identity. */
@Module({
  controllers: [AuthController],
  providers: [AuthService, UsersAuthRepository],
})
export class AuthApiModule {}
