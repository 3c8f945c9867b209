import { Module } from '@nestjs/common';
import { AccountTokensRepository } from '../account-tokens/account-tokens.repository';
import { SignupController } from './signup.controller';
import { SignupRepository } from './signup.repository';
import { SignupService } from './signup.service';

/** Self-service signup with email verification. */
@Module({
  controllers: [SignupController],
  providers: [SignupRepository, SignupService, AccountTokensRepository],
})
export class SignupModule {}
