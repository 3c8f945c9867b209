import { Injectable } from '@nestjs/common';
import { BaseClient, custom, generators, Issuer } from 'openid-client';

// Every call to an IdP is bounded: a slow IdP fails a sign-in, it does not hang it.
custom.setHttpOptionsDefaults({ timeout: 5000 });

const DISCOVERY_CACHE_MS = 5 * 60 * 1000;

export interface OidcClientSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

export interface OidcClaims {
  subject: string;
  email?: string;
  emailVerified: boolean;
  issuer: string;
}

/**
 * The relying party, on openid-client: discovery (cached per issuer for five minutes), the
 * authorization URL with PKCE (S256), state and nonce, and the callback, which exchanges the
 * code and validates the ID token (signature from the IdP's JWKS, iss, aud, exp, nonce, and the
 * `iss` parameter of the response against mix-up). Never called inside a database transaction.
 */
@Injectable()
export class OidcRelyingParty {
  private readonly issuers = new Map<string, { issuer: Promise<Issuer<BaseClient>>; at: number }>();

  async authorizationUrl(settings: OidcClientSettings, state: string): Promise<{ url: string; codeVerifier: string; nonce: string }> {
    const client = await this.client(settings);
    const codeVerifier = generators.codeVerifier();
    const nonce = generators.nonce();
    const url = client.authorizationUrl({
      scope: 'openid email profile',
      code_challenge: generators.codeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url, codeVerifier, nonce };
  }

  async callback(settings: OidcClientSettings, params: Record<string, string>, expected: { state: string; nonce: string; codeVerifier: string }): Promise<OidcClaims> {
    const client = await this.client(settings);
    const tokens = await client.callback(settings.redirectUri, params, {
      state: expected.state,
      nonce: expected.nonce,
      code_verifier: expected.codeVerifier,
      response_type: 'code',
    });
    let claims: Record<string, unknown> & { sub: string; iss: string } = tokens.claims();
    // IdPs that follow the spec to the letter put profile claims only in the userinfo answer
    // (openid-client checks that its subject is the ID token's).
    if (typeof claims.email !== 'string' && tokens.access_token) claims = { ...(await client.userinfo(tokens)), ...claims };
    return {
      subject: claims.sub,
      email: typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : undefined,
      emailVerified: claims.email_verified === true,
      issuer: claims.iss,
    };
  }

  private async client(settings: OidcClientSettings): Promise<BaseClient> {
    const issuer = await this.discover(settings.issuer);
    return new issuer.Client({
      client_id: settings.clientId,
      client_secret: settings.clientSecret,
      redirect_uris: [settings.redirectUri],
      response_types: ['code'],
      id_token_signed_response_alg: 'RS256',
    });
  }

  private discover(url: string): Promise<Issuer<BaseClient>> {
    const cached = this.issuers.get(url);
    if (cached && Date.now() - cached.at < DISCOVERY_CACHE_MS) return cached.issuer;
    const issuer = Issuer.discover(url);
    this.issuers.set(url, { issuer, at: Date.now() });
    issuer.catch(() => this.issuers.delete(url));
    return issuer;
  }
}
