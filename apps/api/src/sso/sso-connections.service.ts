import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { AuditTrail } from '@tenantry/audit';
import { AppConfig } from '@tenantry/config';
import type { SsoConnection } from '@tenantry/db';
import { TenantSecrets } from '@tenantry/secrets';
import { normalizeDomain } from '../domains/domain-name';
import { decodeCursor, PageQuery, toPage } from '../pagination/cursor';
import { CreateSsoConnectionDto, UpdateSsoConnectionDto } from './dto/sso-connection.dto';
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
      startUrl: this.urls.startUrl(row.id),
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }

  async create(input: CreateSsoConnectionDto) {
    if (input.type !== 'oidc') throw new BadRequestException('Only OIDC connections are supported so far');
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

  async list(query: PageQuery) {
    return toPage(await this.repository.list(query.limit, decodeCursor(query.cursor)), query.limit, (row) => this.present(row));
  }

  async get(id: string) {
    return this.present(await this.require(id));
  }

  async update(id: string, input: UpdateSsoConnectionDto) {
    const before = await this.require(id);
    this.trail.recordBefore(this.present(before));
    const changes: Partial<NewSsoConnection> = {
      name: input.name,
      isEnabled: input.isEnabled,
      issuer: input.issuer === undefined ? undefined : this.issuer(input.issuer),
      clientId: input.clientId,
      defaultRole: input.defaultRole,
      allowedDomains: input.allowedDomains && this.domains(input.allowedDomains),
      redirectUrls: input.redirectUrls && this.redirectUrls(input.redirectUrls),
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
