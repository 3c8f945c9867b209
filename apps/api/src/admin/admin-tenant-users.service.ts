import { Injectable, NotFoundException } from '@nestjs/common';
import { SystemTransaction } from '@tenantry/system-db';
import { decodeCursor, toPage } from '../pagination/cursor';
import { AdminRepository } from './admin.repository';
import { ListTenantUsersQuery, TenantUserPage } from './dto/admin-tenant-users.dto';

/** A tenant's users as an operator sees them: to pick whom to impersonate. */
@Injectable()
export class AdminTenantUsersService {
  constructor(
    private readonly system: SystemTransaction,
    private readonly repository: AdminRepository,
  ) {}

  list(tenantId: string, query: ListTenantUsersQuery): Promise<TenantUserPage> {
    const after = decodeCursor(query.cursor);
    return this.system.run(async () => {
      if (!(await this.repository.findTenant(tenantId))) throw new NotFoundException('Tenant not found');
      const rows = await this.repository.listTenantUsers(tenantId, { q: query.q || undefined, limit: query.limit, after });
      return toPage(rows, query.limit, (row) => row);
    });
  }
}
