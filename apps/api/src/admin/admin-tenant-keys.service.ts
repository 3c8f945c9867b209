import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { AuditWriter } from '@tenantry/audit';
import { TenantSecrets } from '@tenantry/secrets';
import { SystemTransaction } from '@tenantry/system-db';
import { TenantTransaction } from '@tenantry/tenancy';
import { AdminRepository } from './admin.repository';

/** A tenant's data key, seen from the operator's side: rotation on demand (e.g. after an incident). */
@Injectable()
export class AdminTenantKeysService {
  constructor(
    private readonly repository: AdminRepository,
    private readonly system: SystemTransaction,
    private readonly tenantTransaction: TenantTransaction,
    private readonly secrets: TenantSecrets,
    private readonly audit: AuditWriter,
  ) {}

  /** A new data key; every secret re-encrypted with it, in the tenant's own transaction (RLS applies). */
  async rotate(tenantId: string): Promise<{ tenantId: string; dataKeyId: string; reencrypted: number }> {
    const tenant = await this.system.run(() => this.repository.findTenant(tenantId));
    if (!tenant) throw new NotFoundException('Tenant not found');
    if (tenant.status === 'deleted') throw new ConflictException('The tenant has been deleted');
    return this.tenantTransaction.run({ tenantId }, async () => {
      const result = await this.secrets.rotateDataKey();
      await this.audit.write({ action: 'tenant.data_key_rotated', resourceType: 'tenant', resourceId: tenantId, changes: { after: result } });
      return { tenantId, ...result };
    });
  }
}
