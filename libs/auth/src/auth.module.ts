import { Global, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { AccessGuard } from './access.guard';
import { AccessTokenVerifier } from './jwt.strategy';
import { ApiKeyAuthenticator } from './api-key.authenticator';
import { ScimTokenAuthenticator } from './scim-token.authenticator';
import { AuthenticationGuard } from './authentication.guard';
import { TokenService } from './token.service';

@Global()
@Module({
  imports: [JwtModule.register({})],
  providers: [AccessTokenVerifier, TokenService, ApiKeyAuthenticator, ScimTokenAuthenticator, AuthenticationGuard, AccessGuard],
  exports: [TokenService, AuthenticationGuard, AccessGuard],
})
export class AuthModule {}
