import { Injectable } from '@nestjs/common';
import { and, asc, count, eq, SQL } from 'drizzle-orm';
import { User, users } from '@tenantry/db';
import { TenantTransaction } from '@tenantry/tenancy';

/** The tenant's users as SCIM lists them: by index (startIndex/count), oldest first. */
@Injectable()
export class ScimUsersRepository {
  constructor(private readonly tenantTransaction: TenantTransaction) {}

  async page(email: string | undefined, offset: number, limit: number): Promise<{ total: number; rows: User[] }> {
    const { tx, tenantId } = this.tenantTransaction;
    const where = and(eq(users.tenantId, tenantId), ...(email === undefined ? [] : [eq(users.email, email)])) as SQL;
    const [{ value: total }] = (await tx.select({ value: count() }).from(users).where(where)) as [{ value: number }];
    const rows = limit === 0 ? [] : await tx.select().from(users).where(where).orderBy(asc(users.createdAt), asc(users.id)).offset(offset).limit(limit);
    return { total, rows };
  }
}
