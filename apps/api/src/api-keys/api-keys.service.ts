import { BadRequestException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { hasAtLeastRole, randomSecret, sha256 } from '@tenantry/auth';
import type { ApiKey } from '@tenantry/db';
import { EventLog } from '@tenantry/events';
import type { TenantPrincipal } from '@tenantry/tenancy';
import { decodeCursor, PageQuery, toPage } from '../pagination/cursor';
import { ApiKeysRepository } from './api-keys.repository';
import { CreateApiKeyDto, toApiKeyResponse } from './dto/api-key.dto';


@Injectable()
export class ApiKeysService {
  constructor(
    private readonly repository: ApiKeysRepository,
    private readonly events: EventLog,
  ) {}

  async list(query: PageQuery) {
    return toPage(await this.repository.list(query.limit, decodeCursor(query.cursor)), query.limit, toApiKeyResponse);
  }

  /** The secret is in this answer and nowhere else, ever. */
  async create(actor: TenantPrincipal, input: CreateApiKeyDto) {
    if (!hasAtLeastRole(actor.role, input.role)) {
      throw new ForbiddenException(`A key's role can be at most your own (${actor.role})`);
    }
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) throw new BadRequestException('expiresAt must be in the future');
    const key = `sk_${randomSecret()}`;
    const row = await this.repository.create({
      name: input.name,
      role: input.role,
      prefix: key.slice(0, 11),
      keyHash: sha256(key),
      // A user id, or null when a key makes a key: createdBy names users only (as for projects).
      createdBy: actor.actorType === 'user' ? actor.subjectId : null,
      expiresAt: input.expiresAt,
    });
    const view = toApiKeyResponse(row);
    await this.events.record('api_key.created', { object: { ...view } });
    return { ...view, key };
  }

  async revoke(id: string): Promise<void> {
    const revoked = await this.repository.revoke(id);
    if (!revoked) throw new NotFoundException('API key not found');
    if (revoked.wasActive) await this.events.record('api_key.revoked', { object: { ...toApiKeyResponse(revoked) } });
  }
}
