import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Principal } from '@tenantry/tenancy';
import { AccessTokenVerifier, bearerCredential } from './jwt.strategy';
import { ApiKeyAuthenticator } from './api-key.authenticator';
import { IS_PUBLIC } from './decorators';

const API_KEY_BEARER = /^Bearer\s+(sk_\S*)$/i;

/**
 * Global: every route needs a valid bearer credential unless marked @Public(). A bearer that
 * starts with `sk_` is a tenant API key; anything else must be an access JWT.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeyAuthenticator,
    private readonly accessTokens: AccessTokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<Request & { user?: Principal }>();
    const apiKey = API_KEY_BEARER.exec(request.headers.authorization ?? '')?.[1];
    if (apiKey !== undefined) {
      const principal = await this.apiKeys.authenticate(apiKey);
      if (!principal) throw new UnauthorizedException('Invalid API key');
      request.user = principal;
      return true;
    }
    request.user = this.accessTokens.principalOf(bearerCredential(request.headers.authorization));
    return true;
  }
}
