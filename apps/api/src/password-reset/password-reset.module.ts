import { Module } from '@nestjs/common';
import { AccountTokensRepository } from '../account-tokens/account-tokens.repository';
import { AuthApiModule } from '../auth/auth-api.module';
import { PasswordResetController } from './password-reset.controller';
import { PasswordResetService } from './password-reset.service';

/** Password reset of tenant users by mailed link. */
@Module({
  imports: [AuthApiModule],
  controllers: [PasswordResetController],
  providers: [PasswordResetService, AccountTokensRepository],
})
export class PasswordResetModule {}
