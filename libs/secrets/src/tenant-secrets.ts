import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import type { TenantDataKey, TenantSecret } from '@tenantry/db';
import { TenantTransaction } from '@tenantry/tenancy';
import { DecryptionError, KEY_BYTES, open, seal, secretAssociatedData } from './envelope';
import { MASTER_KEY_PROVIDER, MasterKeyProvider } from './master-keys';
import { TenantSecretsRepository } from './tenant-secrets.repository';

/** A secret's name: letters, digits and `._-:`; capabilities use `<capability>:<id>:<what>`. */
export const SECRET_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

export interface SecretMetadata {
  id: string;
  name: string;
  createdAt: Date;
  updatedAt: Date;
}

const metadataOf = (row: TenantSecret): SecretMetadata => ({ id: row.id, name: row.name, createdAt: row.createdAt, updatedAt: row.updatedAt });

/**
 * The tenant secret store: named values encrypted with the tenant's data key (envelope
 * encryption; see the README's "Tenant secrets"). Every method runs in the ACTIVE tenant
 * transaction (a request's, or one a job opened with TenantTransaction.run) and throws outside
 * one, so a value is only ever read or written for the tenant of that transaction, under RLS.
 *
 *   await secrets.put('webhook:<endpointId>:signing', value);
 *   const value = await secrets.get('webhook:<endpointId>:signing'); // undefined when absent
 *   await secrets.delete('webhook:<endpointId>:signing');
 */
@Injectable()
export class TenantSecrets {
  constructor(
    private readonly repository: TenantSecretsRepository,
    private readonly tenantTransaction: TenantTransaction,
    @Inject(MASTER_KEY_PROVIDER) private readonly masterKeys: MasterKeyProvider,
  ) {}

  /** Stores (or replaces) a value; `created` tells which. */
  async put(name: string, value: string): Promise<SecretMetadata & { created: boolean }> {
    assertName(name);
    const tenantId = this.tenantTransaction.tenantId;
    const { row, dataKey } = await this.dataKeyForWriting();
    const ciphertext = seal(dataKey, Buffer.from(value, 'utf8'), secretAssociatedData(tenantId, name));
    const stored = await this.repository.upsert({ name, ciphertext, dataKeyId: row.id });
    return { ...metadataOf(stored), created: stored.inserted };
  }

  /** The value, or undefined when the tenant has no secret of that name. */
  async get(name: string): Promise<string | undefined> {
    assertName(name);
    const found = await this.repository.findWithKey(name);
    if (!found) return undefined;
    if (!found.key) throw new DecryptionError(`the tenant has no data key (crypto-shredded): secret ${name} cannot be decrypted`);
    if (found.secret.dataKeyId !== found.key.id) throw new DecryptionError(`secret ${name} names a data key the tenant no longer has`);
    const dataKey = await this.masterKeys.unwrap(found.key, this.tenantTransaction.tenantId);
    return open(dataKey, found.secret.ciphertext, secretAssociatedData(this.tenantTransaction.tenantId, name)).toString('utf8');
  }

  async metadata(name: string): Promise<SecretMetadata | undefined> {
    const row = await this.repository.find(name);
    return row && metadataOf(row);
  }

  /** Deletes a value; the metadata of what was deleted, or undefined when there was none. */
  async delete(name: string): Promise<SecretMetadata | undefined> {
    assertName(name);
    const row = await this.repository.delete(name);
    return row && metadataOf(row);
  }

  /** Names and timestamps, sorted by name, never values; `cursor` is a previous page's `nextCursor`. */
  async list(limit: number, cursor?: string): Promise<{ data: SecretMetadata[]; nextCursor: string | null }> {
    const rows = await this.repository.list(limit, cursor === undefined ? undefined : nameOfCursor(cursor));
    const page = rows.slice(0, limit);
    return { data: page.map(metadataOf), nextCursor: rows.length > limit ? Buffer.from(page[page.length - 1]!.name).toString('base64url') : null };
  }

  /**
   * A new data key for the tenant: every secret is decrypted with the old key and encrypted
   * with the new one, and the old wrapped key is overwritten, all in this transaction (which
   * holds the key row FOR UPDATE, so concurrent writes wait for it).
   */
  async rotateDataKey(): Promise<{ dataKeyId: string; reencrypted: number }> {
    const tenantId = this.tenantTransaction.tenantId;
    const current = await this.repository.lockDataKey('update');
    if (!current) {
      const { row } = await this.dataKeyForWriting();
      return { dataKeyId: row.id, reencrypted: 0 };
    }
    const oldKey = await this.masterKeys.unwrap(current, tenantId);
    const newKey = randomBytes(KEY_BYTES);
    const newId = randomUUID();
    const secrets = await this.repository.all();
    for (const secret of secrets) {
      const aad = secretAssociatedData(tenantId, secret.name);
      await this.repository.reencrypt(secret.id, seal(newKey, open(oldKey, secret.ciphertext, aad), aad), newId);
    }
    await this.repository.replaceDataKey(current.id, { id: newId, ...(await this.masterKeys.wrap(newKey, tenantId)) });
    return { dataKeyId: newId, reencrypted: secrets.length };
  }

  /** The tenant's data key, made on first use; share-locked until the transaction ends. */
  private async dataKeyForWriting(): Promise<{ row: TenantDataKey; dataKey: Buffer }> {
    const tenantId = this.tenantTransaction.tenantId;
    const existing = await this.repository.lockDataKey('share');
    if (existing) return { row: existing, dataKey: await this.masterKeys.unwrap(existing, tenantId) };
    const dataKey = randomBytes(KEY_BYTES);
    const inserted = await this.repository.insertDataKey(await this.masterKeys.wrap(dataKey, tenantId));
    if (inserted) return { row: inserted, dataKey };
    // A concurrent first write made the key: use that one.
    const raced = await this.repository.lockDataKey('share');
    if (!raced) throw new Error('the tenant data key vanished while it was being created');
    return { row: raced, dataKey: await this.masterKeys.unwrap(raced, tenantId) };
  }
}

export class InvalidSecretNameError extends Error {}

function nameOfCursor(cursor: string): string {
  const name = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!SECRET_NAME_PATTERN.test(name)) throw new BadRequestException('cursor is not valid');
  return name;
}

function assertName(name: string): void {
  if (!SECRET_NAME_PATTERN.test(name)) throw new InvalidSecretNameError(`secret name ${JSON.stringify(name)} must match ${SECRET_NAME_PATTERN}`);
}
