import { Injectable } from '@nestjs/common';
import { and, eq, inArray, lt, or, sql } from 'drizzle-orm';
import { mailOutbox, MailRow, MailStatus, systemMailOutbox, SystemMailRow, Transaction } from '@tenantry/db';
import { SystemTransaction } from '@tenantry/system-db';
import { TenantTransaction } from '@tenantry/tenancy';

type OutboxTable = typeof mailOutbox | typeof systemMailOutbox;
export type OutboxRow = MailRow | (SystemMailRow & { tenantId?: undefined });

/**
 * The worker's statements on the mail outboxes. A tenant's row is read and written in a tenant
 * transaction (app role, RLS), a system message in a system transaction; each statement is its
 * own short transaction, opened by the caller, never held across the SMTP conversation.
 */
@Injectable()
export class MailDeliveryRepository {
  constructor(
    private readonly tenantTransaction: TenantTransaction,
    private readonly systemTransaction: SystemTransaction,
  ) {}

  /** Runs `work` in the right transaction for the row: the tenant's, or the system's. */
  run<T>(tenantId: string | undefined, work: (table: OutboxTable, tx: Transaction) => Promise<T>): Promise<T> {
    return tenantId
      ? this.tenantTransaction.run({ tenantId }, (tx) => work(mailOutbox, tx))
      : this.systemTransaction.run((tx) => work(systemMailOutbox, tx));
  }

  /**
   * Takes the row for one delivery: pending, or claimed by a delivery whose claim has run out (a
   * worker that died mid-send). Undefined when it is sent, failed, skipped or claimed right now.
   */
  claim(tenantId: string | undefined, id: string, claimMs: number): Promise<OutboxRow | undefined> {
    return this.run(tenantId, async (table, tx) => {
      const [row] = await tx
        .update(table)
        .set({ status: 'sending', attempts: sql`${table.attempts} + 1`, claimedUntil: sql`now() + ${`${claimMs} milliseconds`}::interval` })
        .where(and(eq(table.id, id), or(eq(table.status, 'pending'), and(eq(table.status, 'sending'), lt(table.claimedUntil, sql`now()`)))))
        .returning();
      return row as OutboxRow | undefined;
    });
  }

  find(tenantId: string | undefined, id: string): Promise<OutboxRow | undefined> {
    return this.run(tenantId, async (table, tx) => {
      const [row] = await tx.select().from(table).where(eq(table.id, id));
      return row as OutboxRow | undefined;
    });
  }

  /** Accepted by the server: recorded at once, and the bodies (which carry the one-time link) cleared. */
  async markSent(tenantId: string | undefined, id: string, response: string): Promise<void> {
    await this.run(tenantId, (table, tx) =>
      tx
        .update(table)
        .set({ status: 'sent', sentAt: sql`now()`, serverResponse: response.slice(0, 1000), textBody: null, htmlBody: null, claimedUntil: null })
        .where(eq(table.id, id)),
    );
  }

  /** `pending` again (retried), or `failed` / `skipped` for good. */
  async release(tenantId: string | undefined, id: string, status: Extract<MailStatus, 'pending' | 'failed' | 'skipped'>, error: string | null): Promise<void> {
    await this.run(tenantId, (table, tx) =>
      tx
        .update(table)
        .set({
          status,
          lastError: error?.slice(0, 1000) ?? null,
          claimedUntil: null,
          ...(status === 'pending' ? {} : { textBody: null, htmlBody: null }),
        })
        .where(and(eq(table.id, id), inArray(table.status, ['sending', 'pending']))),
    );
  }

  /**
   * Across tenants (system role): rows a lost hand-over left behind, pending for longer than
   * `olderThanMs`, or claimed by a delivery that has been gone as long.
   */
  async unsent(olderThanMs: number, limit: number): Promise<{ id: string; tenantId: string | null }[]> {
    const interval = sql`${`${olderThanMs} milliseconds`}::interval`;
    return this.systemTransaction.run(async (tx) => {
      const stale = (table: OutboxTable) =>
        and(
          inArray(table.status, ['pending', 'sending']),
          lt(table.createdAt, sql`now() - ${interval}`),
          or(eq(table.status, 'pending'), lt(table.claimedUntil, sql`now() - ${interval}`)),
        );
      const tenantRows = await tx.select({ id: mailOutbox.id, tenantId: mailOutbox.tenantId }).from(mailOutbox).where(stale(mailOutbox)).orderBy(mailOutbox.createdAt).limit(limit);
      const systemRows = await tx.select({ id: systemMailOutbox.id }).from(systemMailOutbox).where(stale(systemMailOutbox)).orderBy(systemMailOutbox.createdAt).limit(limit);
      return [...tenantRows, ...systemRows.map((row) => ({ id: row.id, tenantId: null }))];
    });
  }
}
