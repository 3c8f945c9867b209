import { ConflictException, Injectable } from '@nestjs/common';
import { and, desc, eq, sql } from 'drizzle-orm';
import { asPgError, DomainStatus, TenantDomain, tenantDomains } from '@tenantry/db';
import { TenantTransaction } from '@tenantry/tenancy';
import { afterPosition, KeysetPosition } from '../pagination/cursor';

@Injectable()
export class DomainsRepository {
  constructor(private readonly tenantTransaction: TenantTransaction) {}

  async create(domain: string, challenge: string): Promise<TenantDomain> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx.insert(tenantDomains).values({ tenantId, domain, challenge }).returning();
    return row!;
  }

  async find(id: string): Promise<TenantDomain | undefined> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx.select().from(tenantDomains).where(and(eq(tenantDomains.tenantId, tenantId), eq(tenantDomains.id, id)));
    return row;
  }

  async list(limit: number, after: KeysetPosition | undefined): Promise<TenantDomain[]> {
    const { tx, tenantId } = this.tenantTransaction;
    return tx
      .select()
      .from(tenantDomains)
      .where(and(eq(tenantDomains.tenantId, tenantId), afterPosition(tenantDomains.createdAt, tenantDomains.id, after)))
      .orderBy(desc(tenantDomains.createdAt), desc(tenantDomains.id))
      .limit(limit + 1);
  }

  /** The tenant's verified domains among `domains`. */
  async isVerified(domain: string): Promise<boolean> {
    const { tx, tenantId } = this.tenantTransaction;
    const rows = await tx
      .select({ id: tenantDomains.id })
      .from(tenantDomains)
      .where(and(eq(tenantDomains.tenantId, tenantId), eq(tenantDomains.domain, domain), eq(tenantDomains.status, 'verified')));
    return rows.length > 0;
  }

  /** Records a check; a second tenant verifying a domain another one holds is a 409. */
  async recordCheck(id: string, status: DomainStatus, failureReason: string | null): Promise<TenantDomain | undefined> {
    const { tx, tenantId } = this.tenantTransaction;
    try {
      const [row] = await tx
        .update(tenantDomains)
        .set({
          status,
          failureReason,
          checkedAt: sql`now()`,
          verifiedAt: status === 'verified' ? sql`coalesce(${tenantDomains.verifiedAt}, now())` : null,
          updatedAt: sql`now()`,
        })
        .where(and(eq(tenantDomains.tenantId, tenantId), eq(tenantDomains.id, id)))
        .returning();
      return row;
    } catch (error) {
      if (asPgError(error)?.constraint_name === 'tenant_domains_verified_once') {
        throw new ConflictException('This domain is already verified by another tenant');
      }
      throw error;
    }
  }

  async delete(id: string): Promise<TenantDomain | undefined> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx.delete(tenantDomains).where(and(eq(tenantDomains.tenantId, tenantId), eq(tenantDomains.id, id))).returning();
    return row;
  }
}
