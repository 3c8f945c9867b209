import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Principal } from '@tenantry/tenancy';
import { AccessTokenVerifier, bearerCredential } from './jwt.strategy';
import { ApiKeyAuthenticator } from './api-key.authenticator';
import { IS_PUBLIC, SCIM_ROUTE } from './decorators';
import { ScimTokenAuthenticator } from './scim-token.authenticator';

const API_KEY_BEARER = /^Bearer\s+(sk_\S*)$/i;
const BEARER = /^Bearer\s+(\S+)$/i;

/**
 * Global: every route needs a valid bearer credential unless marked @Public(). A bearer that
 * starts with `sk_` is a tenant API key; anything else must be an access JWT.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeyAuthenticator,
    private readonly scimTokens: ScimTokenAuthenticator,
    private readonly accessTokens: AccessTokenVerifier,
  ) {}

  // Synchronous for public routes and access tokens (verified in process): Nest awaits only the
  // guards that return a promise; API keys and SCIM tokens are looked up.
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<Request & { user?: Principal }>();
    if (this.reflector.getAllAndOverride<boolean>(SCIM_ROUTE, [context.getHandler(), context.getClass()])) return this.authenticateScim(request);
    const apiKey = API_KEY_BEARER.exec(request.headers.authorization ?? '')?.[1];
    if (apiKey !== undefined) return this.authenticateApiKey(request, apiKey);
    request.user = this.accessTokens.principalOf(bearerCredential(request.headers.authorization));
    return true;
  }

  private async authenticateScim(request: Request & { user?: Principal }): Promise<boolean> {
    const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
    const principal = token === undefined ? undefined : await this.scimTokens.authenticate(token);
    if (!principal) throw new UnauthorizedException('A valid SCIM bearer token is required');
    request.user = principal;
    return true;
  }

  private async authenticateApiKey(request: Request & { user?: Principal }, apiKey: string): Promise<boolean> {
    const principal = await this.apiKeys.authenticate(apiKey);
    if (!principal) throw new UnauthorizedException('Invalid API key');
    request.user = principal;
    return true;
  }
}
