import { Injectable, NotFoundException } from '@nestjs/common';
import { AuditTrail } from '@tenantry/audit';
import { randomSecret, sha256 } from '@tenantry/auth';
import type { TenantPrincipal } from '@tenantry/tenancy';
import { decodeCursor, PageQuery, toPage } from '../pagination/cursor';
import { CreatedScimTokenResponse, CreateScimTokenDto, toScimTokenResponse } from './dto/scim-token.dto';
import { ScimTokensRepository } from './scim-tokens.repository';

/** The tenant's SCIM bearer tokens: shown once, stored as SHA-256, revocable. */
@Injectable()
export class ScimTokensService {
  constructor(
    private readonly repository: ScimTokensRepository,
    private readonly trail: AuditTrail,
  ) {}

  async create(actor: TenantPrincipal, input: CreateScimTokenDto): Promise<CreatedScimTokenResponse> {
    const token = `scim_${randomSecret()}`;
    const row = await this.repository.create({
      name: input.name,
      prefix: token.slice(0, 12),
      tokenHash: sha256(token),
      createdBy: actor.actorType === 'user' ? actor.subjectId : null,
    });
    return { ...toScimTokenResponse(row), token };
  }

  async list(query: PageQuery) {
    return toPage(await this.repository.list(query.limit, decodeCursor(query.cursor)), query.limit, toScimTokenResponse);
  }

  async revoke(id: string): Promise<void> {
    const revoked = await this.repository.revoke(id);
    if (!revoked) throw new NotFoundException('SCIM token not found');
    this.trail.recordBefore(toScimTokenResponse(revoked));
  }
}
