import { BadRequestException, Injectable } from '@nestjs/common';
import { AppConfig } from '@tenantry/config';

/** Where this API is reached from outside (PUBLIC_URL) and where browsers return (APP_URL). */
@Injectable()
export class SsoUrls {
  constructor(private readonly config: AppConfig) {}

  get oidcRedirectUri(): string {
    return `${this.base}/v1/auth/sso/oidc/callback`;
  }

  /** SAML: where every connection's IdP posts its answer. */
  get samlAcsUrl(): string {
    return `${this.base}/v1/auth/sso/saml/acs`;
  }

  /** SAML: our metadata for one connection; its URL is also our entity id (the audience) there. */
  samlMetadataUrl(connectionId: string): string {
    return `${this.base}/v1/auth/sso/saml/${connectionId}/metadata`;
  }

  startUrl(connectionId: string): string {
    return `${this.base}/v1/auth/sso/${connectionId}/start`;
  }

  /**
   * The redirect target of a finished sign-in: APP_URL (the default), anything under APP_URL's
   * origin, or one of the connection's redirect URLs (origin and path equal). Anything else is a
   * 400 before the IdP is ever contacted, so the one-time code can only go where the tenant said.
   */
  allowedRedirect(requested: string | undefined, allowed: string[]): string {
    const appUrl = this.config.get('APP_URL');
    if (requested === undefined) return appUrl;
    let url: URL;
    try {
      url = new URL(requested);
    } catch {
      throw new BadRequestException('redirect must be an absolute URL');
    }
    if (url.username || url.password || !['https:', 'http:'].includes(url.protocol)) throw new BadRequestException('redirect is not allowed');
    if (url.origin === new URL(appUrl).origin) return url.toString();
    const isListed = allowed.some((entry) => {
      const target = new URL(entry);
      return target.origin === url.origin && target.pathname === url.pathname;
    });
    if (!isListed) throw new BadRequestException('redirect is not allowed: use APP_URL or one of the connection\'s redirect URLs');
    return url.toString();
  }

  private get base(): string {
    return this.config.get('PUBLIC_URL').replace(/\/$/, '');
  }
}

/** Appends `code` to a redirect target, keeping its own query. */
export function withCode(redirect: string, code: string): string {
  const url = new URL(redirect);
  url.searchParams.set('code', code);
  return url.toString();
}
