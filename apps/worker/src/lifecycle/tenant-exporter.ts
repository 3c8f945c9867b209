import { Injectable } from '@nestjs/common';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { sql } from 'drizzle-orm';
import { TenantTransaction } from '@tenantry/tenancy';
import { primaryKeyColumns, tenantTablesChildrenFirst } from './tenant-catalog';

const PAGE_SIZE = 1000;
/**
 * Secrets and keys never leave the database, not even in the tenant's own export (encrypted or
 * not); nor do unsent mail bodies (`text_body`, `html_body`), which carry one-time links.
 */
const isSecretColumn = (column: string) => /(^|_)(hash|secret|token|ciphertext|wrapped_key|body)$/.test(column);

const withoutSecrets = (row: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(row).filter(([column]) => !isSecretColumn(column)));

/**
 * Streams one tenant's rows to NDJSON (`{"table": ..., "row": {...}}` per line), page by page on
 * the primary key, through the app role inside the tenant's own transaction: RLS guarantees
 * the file holds that tenant's rows and nothing else. One repeatable-read snapshot for the whole
 * file; memory stays bounded by one page.
 */
@Injectable()
export class TenantExporter {
  constructor(private readonly tenantTransaction: TenantTransaction) {}

  async export(tenantId: string, file: string, onProgress: (percent: number) => Promise<void>): Promise<{ rows: number }> {
    await mkdir(dirname(file), { recursive: true });
    const partial = `${file}.partial`;
    const out = createWriteStream(partial, { encoding: 'utf8' });
    const write = async (line: string) => {
      if (!out.write(`${line}\n`)) await once(out, 'drain');
    };
    let rows = 0;
    try {
      await this.tenantTransaction.run(
        { tenantId },
        async (tx) => {
          const [tenant] = await tx.execute(sql`select * from tenants where id = ${tenantId}`);
          if (!tenant) throw new Error(`tenant ${tenantId} does not exist`);
          await write(JSON.stringify({ table: 'tenants', row: tenant }));
          const tables = await tenantTablesChildrenFirst(tx);
          for (const [index, table] of [...tables].reverse().entries()) {
            const key = await primaryKeyColumns(tx, table);
            const keyColumns = sql.join(key.map((column) => sql.identifier(column)), sql`, `);
            let after: Record<string, unknown> | undefined;
            for (;;) {
              const afterKey = after && sql`and (${keyColumns}) > (${sql.join(key.map((column) => sql`${after![column]}`), sql`, `)})`;
              const page: Record<string, unknown>[] = await tx.execute(sql`
                select * from ${sql.identifier(table)}
                where tenant_id = ${tenantId} ${afterKey ?? sql``}
                order by ${keyColumns} limit ${PAGE_SIZE}`);
              for (const row of page) await write(JSON.stringify({ table, row: withoutSecrets(row) }));
              rows += page.length;
              if (page.length < PAGE_SIZE) break;
              after = page[page.length - 1];
            }
            await onProgress(Math.round(((index + 1) / tables.length) * 100));
          }
        },
        { isolationLevel: 'repeatable read' },
      );
      out.end();
      await once(out, 'finish');
      await rename(partial, file);
      return { rows: rows + 1 };
    } catch (error) {
      out.destroy();
      await rm(partial, { force: true });
      throw error;
    }
  }
}
