import { Injectable } from '@nestjs/common';
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { SsoConnection, ssoConnections } from '@tenantry/db';
import { TenantTransaction } from '@tenantry/tenancy';
import { afterPosition, KeysetPosition } from '../pagination/cursor';

export type NewSsoConnection = Omit<typeof ssoConnections.$inferInsert, 'tenantId' | 'id' | 'createdAt' | 'updatedAt'>;

@Injectable()
export class SsoConnectionsRepository {
  constructor(private readonly tenantTransaction: TenantTransaction) {}

  async create(values: NewSsoConnection): Promise<SsoConnection> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx.insert(ssoConnections).values({ ...values, tenantId }).returning();
    return row!;
  }

  async find(id: string): Promise<SsoConnection | undefined> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx.select().from(ssoConnections).where(and(eq(ssoConnections.tenantId, tenantId), eq(ssoConnections.id, id)));
    return row;
  }

  /** The oldest enabled connection: where a sign-in by the organisation's slug goes. */
  async firstEnabled(): Promise<SsoConnection | undefined> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx
      .select()
      .from(ssoConnections)
      .where(and(eq(ssoConnections.tenantId, tenantId), eq(ssoConnections.isEnabled, true)))
      .orderBy(asc(ssoConnections.createdAt), asc(ssoConnections.id))
      .limit(1);
    return row;
  }

  async list(limit: number, after: KeysetPosition | undefined): Promise<SsoConnection[]> {
    const { tx, tenantId } = this.tenantTransaction;
    return tx
      .select()
      .from(ssoConnections)
      .where(and(eq(ssoConnections.tenantId, tenantId), afterPosition(ssoConnections.createdAt, ssoConnections.id, after)))
      .orderBy(desc(ssoConnections.createdAt), desc(ssoConnections.id))
      .limit(limit + 1);
  }

  async update(id: string, changes: Partial<NewSsoConnection>): Promise<SsoConnection | undefined> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx
      .update(ssoConnections)
      .set({ ...changes, updatedAt: sql`now()` })
      .where(and(eq(ssoConnections.tenantId, tenantId), eq(ssoConnections.id, id)))
      .returning();
    return row;
  }

  async delete(id: string): Promise<SsoConnection | undefined> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx.delete(ssoConnections).where(and(eq(ssoConnections.tenantId, tenantId), eq(ssoConnections.id, id))).returning();
    return row;
  }
}
