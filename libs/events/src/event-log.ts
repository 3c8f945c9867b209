import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EventData, fixedStatement, Transaction } from '@tenantry/db';
import { SystemTransaction } from '@tenantry/system-db';
import { TenantTransaction } from '@tenantry/tenancy';
import { EventNotifier } from './event-notifier';
import { EventType } from './event-types';

/** Rows in one insert at most: a transaction with more events sends several (a few statement shapes per connection). */
export const EVENTS_PER_INSERT = 10;

/**
 * The insert of `count` events, their values four each (tenant_id, id, type, data: the order of
 * `takePending`'s values) from parameter `first` on.
 */
export const insertEventsSql = (count: number, first = 1): string =>
  `insert into events (tenant_id, id, type, data) values ${Array.from({ length: count }, (_, row) => `($${first + row * 4}, $${first + row * 4 + 1}, $${first + row * 4 + 2}, $${first + row * 4 + 3})`).join(', ')}`;

/** The insert of 1..EVENTS_PER_INSERT events (see fixedStatement), one per count. */
const insertEvents = Array.from({ length: EVENTS_PER_INSERT }, (_, index) => fixedStatement(insertEventsSql(index + 1)));
const insertEvent = insertEvents[0]!;

/** The row's `data` as JSON text, serialised once: a Date becomes its ISO string, as `data` reads on the wire. */
const payloadOf = (data: EventData): string => JSON.stringify(data.previous ? { object: data.object, previous: data.previous } : { object: data.object });

/**
 * Writes events into the tenant's event log in the transaction that makes the change (the
 * outbox): they commit with it or not at all, and the worker delivers them after commit. In a
 * tenant transaction they are gathered and written by the change's audit statement (see
 * AuditWriter) or else right before COMMIT, in the socket write that carries it: no statement,
 * write or round trip of their own. `data` is what the API presents of the resource (never the
 * internal row): `object` after the change, `previous` before it where there is one.
 */
@Injectable()
export class EventLog {
  /** The row values (four per event) of each open tenant transaction's events not sent yet. */
  private readonly pending = new WeakMap<Transaction, string[]>();

  constructor(
    private readonly tenantTransaction: TenantTransaction,
    private readonly systemTransaction: SystemTransaction,
    private readonly notifier: EventNotifier,
  ) {}

  /**
   * Into the current tenant's log, in the current tenant transaction (throws outside one); the
   * event's id. The row is written with the transaction's next audit row, else right before
   * COMMIT, else at `flush`: until then the transaction's own statements do not see it.
   */
  async record(type: EventType, data: EventData): Promise<string> {
    const tx = this.tenantTransaction.tx;
    const id = randomUUID();
    let values = this.pending.get(tx);
    if (!values) {
      values = [];
      this.pending.set(tx, values);
      this.tenantTransaction.beforeCommit(() => this.sendPending(tx));
      this.tenantTransaction.afterCommit(() => this.notifier.committed());
    }
    values.push(this.tenantTransaction.tenantId, id, type, payloadOf(data));
    return id;
  }

  /**
   * The row values (four per event: tenant_id, id, type, data) of at most `max` of the current
   * tenant transaction's events not sent yet, which the caller now writes in a statement of that
   * transaction; none outside a tenant transaction.
   */
  takePending(max = EVENTS_PER_INSERT): string[] {
    if (!this.tenantTransaction.isActive) return [];
    const values = this.pending.get(this.tenantTransaction.tx);
    return values ? values.splice(0, max * 4) : [];
  }

  /**
   * Sends the current tenant transaction's events recorded so far now (alongside: with the next
   * statement), for a statement that must see them (a row that refers to an event).
   */
  flush(): void {
    this.sendPending(this.tenantTransaction.tx);
  }

  private sendPending(tx: Transaction): void {
    const values = this.pending.get(tx);
    while (values && values.length > 0) {
      const rows = values.splice(0, EVENTS_PER_INSERT * 4);
      this.tenantTransaction.alongside(insertEvents[rows.length / 4 - 1]!(tx, rows));
    }
  }

  /** Into a tenant's log, in the active system transaction (the admin module's changes to a tenant). */
  async recordFor(tenantId: string, type: EventType, data: EventData): Promise<string> {
    const id = randomUUID();
    await insertEvent(this.systemTransaction.tx, [tenantId, id, type, payloadOf(data)]);
    this.systemTransaction.afterCommit(() => this.notifier.committed());
    return id;
  }
}
