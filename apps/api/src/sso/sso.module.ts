import { Module } from '@nestjs/common';
import { SecretsModule } from '@tenantry/secrets';
import { AuthApiModule } from '../auth/auth-api.module';
import { DomainsModule } from '../domains/domains.module';
import { OidcRelyingParty } from './oidc-relying-party';
import { SamlServiceProvider } from './saml-service-provider';
import { SsoAuthController } from './sso-auth.controller';
import { SsoConnectionsController } from './sso-connections.controller';
import { SsoConnectionsRepository } from './sso-connections.repository';
import { SsoConnectionsService } from './sso-connections.service';
import { SsoDirectoryRepository } from './sso-directory.repository';
import { SsoLoginStore } from './sso-login-store';
import { SsoProvisioningService } from './sso-provisioning.service';
import { SsoSignInService } from './sso-sign-in.service';
import { SsoUrls } from './sso-urls';
import { SsoUsersRepository } from './sso-users.repository';

/** Single sign-on per tenant: connections, OIDC sign-in, JIT provisioning and linking. */
@Module({
  imports: [SecretsModule, DomainsModule, AuthApiModule],
  controllers: [SsoConnectionsController, SsoAuthController],
  providers: [
    OidcRelyingParty,
    SamlServiceProvider,
    SsoConnectionsRepository,
    SsoConnectionsService,
    SsoDirectoryRepository,
    SsoLoginStore,
    SsoProvisioningService,
    SsoSignInService,
    SsoUrls,
    SsoUsersRepository,
  ],
  exports: [SsoSignInService],
})
export class SsoModule {}
