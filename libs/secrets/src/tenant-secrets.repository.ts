import { Injectable } from '@nestjs/common';
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { TenantDataKey, tenantDataKeys, TenantSecret, tenantSecrets } from '@tenantry/db';
import { TenantTransaction } from '@tenantry/tenancy';

export interface SecretWithKey {
  secret: TenantSecret;
  key: TenantDataKey | null;
}

/** Every query of the secret store, on the active tenant transaction (RLS applies). */
@Injectable()
export class TenantSecretsRepository {
  constructor(private readonly tenantTransaction: TenantTransaction) {}

  /**
   * The tenant's data key, share-locked so a concurrent rotation (which takes it FOR UPDATE)
   * cannot replace it between this read and the write that uses it.
   */
  async lockDataKey(mode: 'share' | 'update'): Promise<TenantDataKey | undefined> {
    const { tx, tenantId } = this.tenantTransaction;
    const query = tx.select().from(tenantDataKeys).where(eq(tenantDataKeys.tenantId, tenantId));
    const [row] = await (mode === 'share' ? query.for('share') : query.for('update'));
    return row;
  }

  /** Inserts the tenant's first data key; undefined when a concurrent request inserted one first. */
  async insertDataKey(values: { wrappedKey: string; masterKeyVersion: string }): Promise<TenantDataKey | undefined> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx.insert(tenantDataKeys).values({ ...values, tenantId }).onConflictDoNothing({ target: tenantDataKeys.tenantId }).returning();
    return row;
  }

  /** Replaces the data key (a new id: secrets name the key that encrypted them). */
  async replaceDataKey(oldId: string, values: { id: string; wrappedKey: string; masterKeyVersion: string }): Promise<void> {
    const { tx, tenantId } = this.tenantTransaction;
    await tx
      .update(tenantDataKeys)
      .set({ ...values, createdAt: sql`now()`, rewrappedAt: null })
      .where(and(eq(tenantDataKeys.tenantId, tenantId), eq(tenantDataKeys.id, oldId)));
  }

  /** A secret and the data key in one statement, so both come from the same snapshot. */
  async findWithKey(name: string): Promise<SecretWithKey | undefined> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx
      .select({ secret: tenantSecrets, key: tenantDataKeys })
      .from(tenantSecrets)
      .leftJoin(tenantDataKeys, eq(tenantDataKeys.tenantId, tenantSecrets.tenantId))
      .where(and(eq(tenantSecrets.tenantId, tenantId), eq(tenantSecrets.name, name)));
    return row;
  }

  async find(name: string): Promise<TenantSecret | undefined> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx.select().from(tenantSecrets).where(and(eq(tenantSecrets.tenantId, tenantId), eq(tenantSecrets.name, name)));
    return row;
  }

  /** Insert or replace by name; `inserted` tells which. */
  async upsert(values: { name: string; ciphertext: string; dataKeyId: string }): Promise<TenantSecret & { inserted: boolean }> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx
      .insert(tenantSecrets)
      .values({ ...values, tenantId })
      .onConflictDoUpdate({
        target: [tenantSecrets.tenantId, tenantSecrets.name],
        set: { ciphertext: values.ciphertext, dataKeyId: values.dataKeyId, updatedAt: sql`now()` },
      })
      .returning({ ...tenantSecretColumns, inserted: sql<boolean>`xmax = 0` });
    return row!;
  }

  async reencrypt(id: string, ciphertext: string, dataKeyId: string): Promise<void> {
    const { tx, tenantId } = this.tenantTransaction;
    await tx.update(tenantSecrets).set({ ciphertext, dataKeyId }).where(and(eq(tenantSecrets.tenantId, tenantId), eq(tenantSecrets.id, id)));
  }

  async delete(name: string): Promise<TenantSecret | undefined> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx.delete(tenantSecrets).where(and(eq(tenantSecrets.tenantId, tenantId), eq(tenantSecrets.name, name))).returning();
    return row;
  }

  async list(limit: number, afterName: string | undefined): Promise<TenantSecret[]> {
    const { tx, tenantId } = this.tenantTransaction;
    return tx
      .select()
      .from(tenantSecrets)
      .where(and(eq(tenantSecrets.tenantId, tenantId), afterName === undefined ? undefined : sql`${tenantSecrets.name} > ${afterName}`))
      .orderBy(asc(tenantSecrets.name))
      .limit(limit + 1);
  }

  /** Every secret of the tenant, for a rotation (which holds the data key FOR UPDATE meanwhile). */
  async all(): Promise<TenantSecret[]> {
    const { tx, tenantId } = this.tenantTransaction;
    return tx.select().from(tenantSecrets).where(eq(tenantSecrets.tenantId, tenantId)).orderBy(desc(tenantSecrets.createdAt));
  }
}

const tenantSecretColumns = {
  tenantId: tenantSecrets.tenantId,
  id: tenantSecrets.id,
  name: tenantSecrets.name,
  ciphertext: tenantSecrets.ciphertext,
  dataKeyId: tenantSecrets.dataKeyId,
  createdAt: tenantSecrets.createdAt,
  updatedAt: tenantSecrets.updatedAt,
};
