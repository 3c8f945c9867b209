import { Module } from '@nestjs/common';
import { AuthApiModule } from '../auth/auth-api.module';
import { InvitationsModule } from '../invitations/invitations.module';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

/** Members of a tenant: create (counts a seat), change role, deactivate and restore, remove. */
@Module({
  imports: [AuthApiModule, InvitationsModule],
  controllers: [UsersController],
  providers: [UsersRepository, UsersService],
  exports: [UsersRepository, UsersService],
})
export class UsersModule {}
