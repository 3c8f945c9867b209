import { BadRequestException, ForbiddenException, Injectable, Logger, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AuditWriter } from '@tenantry/audit';
import type { TokenPair } from '@tenantry/auth';
import type { SsoConnection } from '@tenantry/db';
import { EffectiveConfigService } from '@tenantry/plans';
import { TenantSecrets } from '@tenantry/secrets';
import { TenantDirectoryRepository, TenantTransaction } from '@tenantry/tenancy';
import { TenantSessionsService } from '../auth/tenant-sessions.service';
import { domainOfEmail } from '../domains/domain-name';
import { OidcCallbackQuery, SamlAcsDto } from './dto/sso-auth.dto';
import { OidcRelyingParty } from './oidc-relying-party';
import { SamlConnectionSettings, SamlResponseRefused, SamlServiceProvider } from './saml-service-provider';
import { SsoConnectionsRepository } from './sso-connections.repository';
import { clientSecretName } from './sso-connections.service';
import { SsoDirectoryRepository } from './sso-directory.repository';
import { SsoLoginStore } from './sso-login-store';
import { SsoProvisioningService } from './sso-provisioning.service';
import { SsoUsersRepository } from './sso-users.repository';
import { SsoUrls, withCode } from './sso-urls';

/**
 * The browser's way through a sign-in: start (302 to the IdP), callback (302 back with a one-time
 * code) and the exchange of that code for tokens. Database work runs in short tenant
 * transactions; every call to an IdP happens between them, never inside one.
 */
@Injectable()
export class SsoSignInService {
  private readonly logger = new Logger(SsoSignInService.name);

  constructor(
    private readonly directory: SsoDirectoryRepository,
    private readonly tenantTransaction: TenantTransaction,
    private readonly connections: SsoConnectionsRepository,
    private readonly secrets: TenantSecrets,
    private readonly effectiveConfig: EffectiveConfigService,
    private readonly relyingParty: OidcRelyingParty,
    private readonly serviceProvider: SamlServiceProvider,
    private readonly store: SsoLoginStore,
    private readonly urls: SsoUrls,
    private readonly provisioning: SsoProvisioningService,
    private readonly users: SsoUsersRepository,
    private readonly tenants: TenantDirectoryRepository,
    private readonly sessions: TenantSessionsService,
    private readonly audit: AuditWriter,
  ) {}

  /** Home-realm discovery: by the email's verified domain, or by the organisation's slug. */
  async discover(input: { email?: string; tenant?: string }) {
    if ((input.email === undefined) === (input.tenant === undefined)) throw new BadRequestException('give exactly one of email and tenant');
    return input.email !== undefined ? this.discoverDomain(input.email) : this.discoverTenant(input.tenant!);
  }

  private async discoverDomain(email: string) {
    const domain = domainOfEmail(email);
    const found = domain && (await this.directory.discover(domain));
    if (!found) throw new NotFoundException('No single sign-on is set up for this email domain');
    return { tenant: { slug: found.tenantSlug }, connectionId: found.connectionId };
  }

  /**
   * Discovery by the organisation's slug (a sign-in page that asks for it): the first enabled
   * connection of an active tenant whose plan has `sso`; any other case is the same 404.
   */
  private async discoverTenant(slug: string) {
    const notFound = new NotFoundException('No single sign-on is set up for this organisation');
    const tenant = await this.tenants.findBySlug(slug);
    if (tenant?.status !== 'active') throw notFound;
    const connectionId = await this.tenantTransaction.run({ tenantId: tenant.id }, async () => {
      if (!(await this.effectiveConfig.current()).features.includes('sso')) return undefined;
      return (await this.connections.firstEnabled())?.id;
    });
    if (!connectionId) throw notFound;
    return { tenant: { slug }, connectionId };
  }

  /** The IdP's authorization URL for a new sign-in at this connection. */
  async start(connectionId: string, requestedRedirect: string | undefined): Promise<string> {
    const tenantId = await this.directory.tenantOfConnection(connectionId);
    if (!tenantId) throw new NotFoundException('SSO connection not found');
    const { connection, clientSecret } = await this.load(tenantId, connectionId);
    const redirect = this.urls.allowedRedirect(requestedRedirect, connection.redirectUrls);
    if (connection.type === 'saml') {
      // The RelayState names the pending sign-in; the AuthnRequest id is what InResponseTo must be.
      const relayState = randomBytes(32).toString('base64url');
      const { url, requestId } = await this.serviceProvider.authorizationUrl(this.samlSettings(connection), relayState);
      await this.store.saveState(relayState, { tenantId, connectionId, redirect, requestId });
      return url;
    }
    // Generated here, saved with the PKCE verifier and nonce before the browser leaves for the IdP.
    const state = randomBytes(32).toString('base64url');
    const { url, codeVerifier, nonce } = await this.relyingParty.authorizationUrl(this.settings(connection, clientSecret), state);
    await this.store.saveState(state, { tenantId, connectionId, redirect, codeVerifier, nonce });
    return url;
  }

  /** Checks the IdP's answer and returns where to send the browser, with a one-time code. */
  async oidcCallback(query: OidcCallbackQuery): Promise<string> {
    const pending = await this.store.takeState(query.state);
    if (!pending || !pending.codeVerifier || !pending.nonce) throw new BadRequestException('Unknown or already used sign-in state');
    if (query.error) {
      throw new UnauthorizedException(`The identity provider refused the sign-in: ${query.error}${query.error_description ? ` (${query.error_description})` : ''}`);
    }
    const { connection, clientSecret } = await this.load(pending.tenantId, pending.connectionId);
    let identity;
    try {
      identity = await this.relyingParty.callback(this.settings(connection, clientSecret), { ...query } as Record<string, string>, {
        state: query.state,
        nonce: pending.nonce,
        codeVerifier: pending.codeVerifier,
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      await this.tenantTransaction.run({ tenantId: pending.tenantId }, () =>
        this.audit.write({ action: 'auth.sso_failed', resourceType: 'sso_connection', resourceId: connection.id, changes: { after: { reason } }, actor: { type: 'system', id: null } }),
      );
      throw new UnauthorizedException(`The identity provider's answer was refused: ${reason}`);
    }
    const user = await this.tenantTransaction.run({ tenantId: pending.tenantId }, () => this.provisioning.signIn(connection, identity));
    const code = await this.store.issueCode({ tenantId: pending.tenantId, userId: user.id, connectionId: connection.id });
    return withCode(pending.redirect, code);
  }

  /**
   * The IdP's POST to the ACS: the RelayState names the sign-in this answers (taken once), the
   * assertion must be signed by the connection's IdP for this request, and its id is accepted
   * once (the replay cache keeps it until the assertion expires).
   */
  async samlAcs(body: SamlAcsDto): Promise<string> {
    const pending = body.RelayState ? await this.store.takeState(body.RelayState) : undefined;
    if (!pending || !pending.requestId) throw new BadRequestException('Unknown or already used sign-in state');
    const { connection } = await this.load(pending.tenantId, pending.connectionId);
    if (connection.type !== 'saml') throw new BadRequestException('Unknown or already used sign-in state');
    let identity;
    try {
      identity = await this.serviceProvider.validate(this.samlSettings(connection), body.SAMLResponse, pending.requestId);
      const ttlSeconds = Math.ceil((identity.notOnOrAfter.getTime() - Date.now()) / 1000) + 120;
      if (!(await this.store.markUsedOnce('saml-assertion', `${connection.id}:${identity.assertionId}`, ttlSeconds))) {
        throw new SamlResponseRefused('this assertion was used before');
      }
    } catch (error) {
      if (!(error instanceof SamlResponseRefused)) throw error;
      await this.tenantTransaction.run({ tenantId: pending.tenantId }, () =>
        this.audit.write({ action: 'auth.sso_failed', resourceType: 'sso_connection', resourceId: connection.id, changes: { after: { reason: error.message } }, actor: { type: 'system', id: null } }),
      );
      throw new UnauthorizedException(`The identity provider's answer was refused: ${error.message}`);
    }
    // The IdP is the tenant's own directory: the address it asserts is the one it vouches for.
    // Linking to an existing account still needs the tenant to have verified the domain.
    const user = await this.tenantTransaction.run({ tenantId: pending.tenantId }, () =>
      this.provisioning.signIn(connection, { subject: identity.subject, email: identity.email, emailVerified: identity.email !== undefined }),
    );
    const code = await this.store.issueCode({ tenantId: pending.tenantId, userId: user.id, connectionId: connection.id });
    return withCode(pending.redirect, code);
  }

  /** Our SAML metadata for one enabled connection. */
  async samlMetadata(connectionId: string): Promise<string> {
    const tenantId = await this.directory.tenantOfConnection(connectionId);
    if (!tenantId) throw new NotFoundException('SSO connection not found');
    const { connection } = await this.load(tenantId, connectionId);
    if (connection.type !== 'saml') throw new NotFoundException('SSO connection not found');
    return this.serviceProvider.metadata(this.samlSettings(connection));
  }

  /** The one-time code for the usual token pair; a used, expired or unknown code is a 401. */
  async exchange(code: string): Promise<TokenPair> {
    const signedIn = await this.store.takeCode(code);
    if (!signedIn) throw new UnauthorizedException('The code is unknown, used or expired');
    return this.tenantTransaction.run({ tenantId: signedIn.tenantId, userId: signedIn.userId }, async () => {
      const tenant = await this.tenants.current();
      if (tenant?.status !== 'active') throw new ForbiddenException('The tenant is not active');
      const user = await this.users.findUser(signedIn.userId);
      // Deactivated in the 60 s since the IdP answered: no tokens.
      if (!user || user.status !== 'active') throw new UnauthorizedException('The code is unknown, used or expired');
      return this.sessions.start(user);
    });
  }

  private async load(tenantId: string, connectionId: string): Promise<{ connection: SsoConnection; clientSecret: string }> {
    return this.tenantTransaction.run({ tenantId }, async () => {
      const config = await this.effectiveConfig.current();
      if (!config.features.includes('sso')) throw new ForbiddenException(`The sso feature is not part of the ${config.plan} plan`);
      const connection = await this.connections.find(connectionId);
      if (!connection || !connection.isEnabled) throw new NotFoundException('SSO connection not found');
      const clientSecret = connection.type === 'oidc' ? await this.secrets.get(clientSecretName(connection.id)) : '';
      if (clientSecret === undefined) throw new NotFoundException('SSO connection not found');
      return { connection, clientSecret };
    });
  }

  private samlSettings(connection: SsoConnection): SamlConnectionSettings {
    return {
      spEntityId: this.urls.samlMetadataUrl(connection.id),
      acsUrl: this.urls.samlAcsUrl,
      idpEntityId: connection.idpEntityId!,
      idpSsoUrl: connection.idpSsoUrl!,
      idpCertificates: (connection.idpCertificate ?? '').split('\n').filter(Boolean),
    };
  }

  private settings(connection: SsoConnection, clientSecret: string) {
    return { issuer: connection.issuer!, clientId: connection.clientId!, clientSecret, redirectUri: this.urls.oidcRedirectUri };
  }
}
