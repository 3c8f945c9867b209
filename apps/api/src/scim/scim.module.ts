import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { ScimDiscoveryController } from './scim-discovery.controller';
import { ScimTokensController } from './scim-tokens.controller';
import { ScimTokensRepository } from './scim-tokens.repository';
import { ScimTokensService } from './scim-tokens.service';
import { ScimUsersController } from './scim-users.controller';
import { ScimUsersRepository } from './scim-users.repository';
import { ScimUsersService } from './scim-users.service';

/** SCIM 2.0 provisioning: the tenant's tokens, and /scim/v2 for its directory. */
@Module({
  imports: [UsersModule],
  controllers: [ScimTokensController, ScimUsersController, ScimDiscoveryController],
  providers: [ScimTokensRepository, ScimTokensService, ScimUsersRepository, ScimUsersService],
})
export class ScimModule {}
