import { Module } from '@nestjs/common';
import { AuthApiModule } from '../auth/auth-api.module';
import { AccountController } from './account.controller';
import { AccountRepository } from './account.repository';
import { AccountService } from './account.service';
import { MfaController } from './mfa.controller';
import { MeMfaService } from './mfa.service';

/** The signed-in user's own account under /v1/me: password change, sessions and the second factor. */
@Module({
  imports: [AuthApiModule],
  controllers: [AccountController, MfaController],
  providers: [AccountRepository, AccountService, MeMfaService],
})
export class MeModule {}
