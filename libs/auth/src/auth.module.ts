import { Global, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { AccessGuard } from './access.guard';
import { ApiKeyAuthenticator } from './api-key.authenticator';
import { ScimTokenAuthenticator } from './scim-token.authenticator';
import { AuthenticationGuard } from './authentication.guard';
import { JwtStrategy } from './jwt.strategy';
import { TokenService } from './token.service';

@Global()
@Module({
  imports: [PassportModule, JwtModule.register({})],
  providers: [JwtStrategy, TokenService, ApiKeyAuthenticator, ScimTokenAuthenticator, AuthenticationGuard, AccessGuard],
  exports: [TokenService, AuthenticationGuard, AccessGuard],
})
export class AuthModule {}
