import { Module } from '@nestjs/common';
import { AdminModule } from '../admin/admin.module';
import { AuthApiModule } from '../auth/auth-api.module';
import { InvitationsModule } from '../invitations/invitations.module';
import { SsoModule } from '../sso/sso.module';
import { ConsoleAdminSessionsController, ConsoleSessionsController } from './console-sessions.controller';
import { SameOriginGuard } from './same-origin.guard';

/**
 * The web console's API side: cookie sessions, begun by a password (and a second factor), an
 * accepted invitation or a single sign-on (the pages themselves are mounted by `mountConsole`).
 */
@Module({
  imports: [AuthApiModule, AdminModule, InvitationsModule, SsoModule],
  controllers: [ConsoleSessionsController, ConsoleAdminSessionsController],
  providers: [SameOriginGuard],
})
export class ConsoleModule {}
