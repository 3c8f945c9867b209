import { Module } from '@nestjs/common';
import { AdminModule } from '../admin/admin.module';
import { AuthApiModule } from '../auth/auth-api.module';
import { ConsoleAdminSessionsController, ConsoleSessionsController } from './console-sessions.controller';
import { SameOriginGuard } from './same-origin.guard';

/** The web console's API side: cookie sessions (the pages themselves are mounted by `mountConsole`). */
@Module({
  imports: [AuthApiModule, AdminModule],
  controllers: [ConsoleSessionsController, ConsoleAdminSessionsController],
  providers: [SameOriginGuard],
})
export class ConsoleModule {}
