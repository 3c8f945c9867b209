import { Module } from '@nestjs/common';
import { AuthApiModule } from '../auth/auth-api.module';
import { InvitationAcceptanceController, InvitationsController } from './invitations.controller';
import { InvitationsRepository } from './invitations.repository';
import { InvitationsService } from './invitations.service';

/** Invitations to a tenant: sent by admins, accepted through the mailed link. */
@Module({
  imports: [AuthApiModule],
  controllers: [InvitationsController, InvitationAcceptanceController],
  providers: [InvitationsRepository, InvitationsService],
  exports: [InvitationsService],
})
export class InvitationsModule {}
