import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { AuditTrail } from '@tenantry/audit';
import { AppConfig } from '@tenantry/config';
import type { SsoConnection } from '@tenantry/db';
import { TenantSecrets } from '@tenantry/secrets';
import { normalizeDomain } from '../domains/domain-name';
import { decodeCursor, PageQuery, toPage } from '../pagination/cursor';
import { CreateSsoConnectionDto, UpdateSsoConnectionDto } from './dto/sso-connection.dto';
import { normalizeCertificate, parseIdpMetadata, SamlIdpSettings } from './saml-idp-metadata';
import { NewSsoConnection, SsoConnectionsRepository } from './sso-connections.repository';
import { SsoUrls } from './sso-urls';

export const clientSecretName = (connectionId: string) => `sso:${connectionId}:client_secret`;

/** Connections of the current tenant: their settings, with the client secret in the secret store. */
@Injectable()
export class SsoConnectionsService {
  constructor(
    private readonly repository: SsoConnectionsRepository,
    private readonly secrets: TenantSecrets,
    private readonly urls: SsoUrls,
    private readonly config: AppConfig,
    private readonly trail: AuditTrail,
  ) {}

  present(row: SsoConnection) {
    return {
      id: row.id,
      type: row.type,
      name: row.name,
      isEnabled: row.isEnabled,
      defaultRole: row.defaultRole,
      allowedDomains: row.allowedDomains,
      redirectUrls: row.redirectUrls,
      issuer: row.issuer,
      clientId: row.clientId,
      ...(row.type === 'oidc' ? { redirectUri: this.urls.oidcRedirectUri } : {}),
      ...(row.type === 'saml'
        ? {
            idpEntityId: row.idpEntityId,
            idpSsoUrl: row.idpSsoUrl,
            spEntityId: this.urls.samlMetadataUrl(row.id),
            acsUrl: this.urls.samlAcsUrl,
            metadataUrl: this.urls.samlMetadataUrl(row.id),
          }
        : {}),
      startUrl: this.urls.startUrl(row.id),
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }

  async create(input: CreateSsoConnectionDto) {
    if (input.type === 'saml') return this.createSaml(input);
    if (input.idpMetadataXml !== undefined || input.idpEntityId !== undefined || input.idpSsoUrl !== undefined || input.idpCertificate !== undefined) {
      throw new BadRequestException('idpMetadataXml, idpEntityId, idpSsoUrl and idpCertificate are for SAML connections');
    }
    if (!input.issuer || !input.clientId || !input.clientSecret) {
      throw new BadRequestException('an OIDC connection needs issuer, clientId and clientSecret');
    }
    const row = await this.repository.create({
      type: 'oidc',
      name: input.name ?? new URL(this.issuer(input.issuer)).host,
      issuer: this.issuer(input.issuer),
      clientId: input.clientId,
      defaultRole: input.defaultRole ?? 'member',
      allowedDomains: this.domains(input.allowedDomains ?? []),
      redirectUrls: this.redirectUrls(input.redirectUrls ?? []),
    });
    await this.secrets.put(clientSecretName(row.id), input.clientSecret);
    return this.present(row);
  }

  private async createSaml(input: CreateSsoConnectionDto) {
    if (input.issuer !== undefined || input.clientId !== undefined || input.clientSecret !== undefined) {
      throw new BadRequestException('issuer, clientId and clientSecret are for OIDC connections');
    }
    const idp = this.samlIdp(input);
    const row = await this.repository.create({
      type: 'saml',
      name: input.name ?? idp.entityId.slice(0, 100),
      idpEntityId: idp.entityId,
      idpSsoUrl: idp.ssoUrl,
      idpCertificate: idp.certificates.join('\n'),
      defaultRole: input.defaultRole ?? 'member',
      allowedDomains: this.domains(input.allowedDomains ?? []),
      redirectUrls: this.redirectUrls(input.redirectUrls ?? []),
    });
    return this.present(row);
  }

  /** The IdP's settings from its metadata, or from the three fields given one by one. */
  private samlIdp(input: Pick<CreateSsoConnectionDto, 'idpMetadataXml' | 'idpEntityId' | 'idpSsoUrl' | 'idpCertificate'>): SamlIdpSettings {
    if (input.idpMetadataXml !== undefined) {
      if (input.idpEntityId !== undefined || input.idpSsoUrl !== undefined || input.idpCertificate !== undefined) {
        throw new BadRequestException('give either idpMetadataXml or idpEntityId, idpSsoUrl and idpCertificate, not both');
      }
      const parsed = parseIdpMetadata(input.idpMetadataXml);
      if (typeof parsed === 'string') throw new BadRequestException(parsed);
      return { ...parsed, ssoUrl: this.httpsUrl('idpSsoUrl (in idpMetadataXml)', parsed.ssoUrl) };
    }
    if (!input.idpEntityId || !input.idpSsoUrl || !input.idpCertificate) {
      throw new BadRequestException('a SAML connection needs idpMetadataXml, or idpEntityId, idpSsoUrl and idpCertificate');
    }
    const certificate = normalizeCertificate(input.idpCertificate);
    if (!certificate) throw new BadRequestException('idpCertificate must be an X.509 certificate (PEM or base64)');
    return { entityId: input.idpEntityId, ssoUrl: this.httpsUrl('idpSsoUrl', input.idpSsoUrl), certificates: [certificate] };
  }

  private httpsUrl(field: string, value: string): string {
    try {
      const url = new URL(value);
      if (url.protocol === 'https:' || (url.protocol === 'http:' && !this.config.isProduction)) return url.toString();
    } catch {
      // answered below
    }
    throw new BadRequestException(`${field} must be an https URL`);
  }

  async list(query: PageQuery) {
    return toPage(await this.repository.list(query.limit, decodeCursor(query.cursor)), query.limit, (row) => this.present(row));
  }

  async get(id: string) {
    return this.present(await this.require(id));
  }

  async update(id: string, input: UpdateSsoConnectionDto) {
    const before = await this.require(id);
    this.trail.recordBefore(this.present(before));
    const samlFields = input.idpMetadataXml !== undefined || input.idpEntityId !== undefined || input.idpSsoUrl !== undefined || input.idpCertificate !== undefined;
    const oidcFields = input.issuer !== undefined || input.clientId !== undefined || input.clientSecret !== undefined;
    if (before.type === 'oidc' && samlFields) throw new BadRequestException('idpMetadataXml, idpEntityId, idpSsoUrl and idpCertificate are for SAML connections');
    if (before.type === 'saml' && oidcFields) throw new BadRequestException('issuer, clientId and clientSecret are for OIDC connections');
    const idp = samlFields
      ? this.samlIdp({
          idpMetadataXml: input.idpMetadataXml,
          idpEntityId: input.idpEntityId ?? (input.idpMetadataXml === undefined ? before.idpEntityId ?? undefined : undefined),
          idpSsoUrl: input.idpSsoUrl ?? (input.idpMetadataXml === undefined ? before.idpSsoUrl ?? undefined : undefined),
          idpCertificate: input.idpCertificate ?? (input.idpMetadataXml === undefined ? before.idpCertificate?.split('\n')[0] : undefined),
        })
      : undefined;
    const changes: Partial<NewSsoConnection> = {
      name: input.name,
      isEnabled: input.isEnabled,
      issuer: input.issuer === undefined ? undefined : this.issuer(input.issuer),
      clientId: input.clientId,
      defaultRole: input.defaultRole,
      allowedDomains: input.allowedDomains && this.domains(input.allowedDomains),
      redirectUrls: input.redirectUrls && this.redirectUrls(input.redirectUrls),
      idpEntityId: idp?.entityId,
      idpSsoUrl: idp?.ssoUrl,
      idpCertificate: idp?.certificates.join('\n'),
    };
    const row = await this.repository.update(id, Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)));
    if (input.clientSecret !== undefined) await this.secrets.put(clientSecretName(id), input.clientSecret);
    return this.present(row!);
  }

  async remove(id: string): Promise<void> {
    const row = await this.repository.delete(id);
    if (!row) throw new NotFoundException('SSO connection not found');
    await this.secrets.delete(clientSecretName(id));
    this.trail.recordBefore(this.present(row));
  }

  private async require(id: string): Promise<SsoConnection> {
    const row = await this.repository.find(id);
    if (!row) throw new NotFoundException('SSO connection not found');
    return row;
  }

  /** An https URL (http only outside production, for local IdPs), without a trailing slash. */
  private issuer(value: string): string {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new BadRequestException('issuer must be a URL');
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && !this.config.isProduction)) throw new BadRequestException('issuer must be an https URL');
    if (url.search || url.hash) throw new BadRequestException('issuer must have no query or fragment');
    return value.replace(/\/$/, '');
  }

  private domains(values: string[]): string[] {
    return [...new Set(values.map((value) => {
      const domain = normalizeDomain(value);
      if (!domain) throw new BadRequestException(`allowedDomains: ${JSON.stringify(value)} is not a domain`);
      return domain;
    }))];
  }

  private redirectUrls(values: string[]): string[] {
    return values.map((value) => {
      try {
        const url = new URL(value);
        if (url.protocol === 'https:' || (url.protocol === 'http:' && !this.config.isProduction)) return `${url.origin}${url.pathname}`;
      } catch {
        // answered below
      }
      throw new BadRequestException(`redirectUrls: ${JSON.stringify(value)} must be an https URL`);
    });
  }
}
