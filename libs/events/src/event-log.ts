import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EventData, fixedStatement } from '@tenantry/db';
import { SystemTransaction } from '@tenantry/system-db';
import { TenantTransaction } from '@tenantry/tenancy';
import { EventNotifier } from './event-notifier';
import { EventType } from './event-types';

// On every change a tenant cares about (see fixedStatement): the columns of `events` that a new event sets.
const insertEvent = fixedStatement('insert into events (tenant_id, id, type, data) values ($1, $2, $3, $4)');

/** The row's `data` as JSON text, serialised once: a Date becomes its ISO string, as `data` reads on the wire. */
const payloadOf = (data: EventData): string => JSON.stringify(data.previous ? { object: data.object, previous: data.previous } : { object: data.object });

/**
 * Writes events into the tenant's event log in the transaction that makes the change (the
 * outbox): they commit with it or not at all, and the worker delivers them after commit. `data`
 * is what the API presents of the resource (never the internal row): `object` after the change,
 * `previous` before it where there is one.
 */
@Injectable()
export class EventLog {
  constructor(
    private readonly tenantTransaction: TenantTransaction,
    private readonly systemTransaction: SystemTransaction,
    private readonly notifier: EventNotifier,
  ) {}

  /** Into the current tenant's log, in the current tenant transaction (throws outside one); the event's id. */
  async record(type: EventType, data: EventData): Promise<string> {
    const id = randomUUID();
    // Sent alongside: it leaves with the request's next statement or its COMMIT, no round trip of its own.
    this.tenantTransaction.alongside(insertEvent(this.tenantTransaction.tx, [this.tenantTransaction.tenantId, id, type, payloadOf(data)]));
    this.tenantTransaction.afterCommit(() => this.notifier.committed());
    return id;
  }

  /** Into a tenant's log, in the active system transaction (the admin module's changes to a tenant). */
  async recordFor(tenantId: string, type: EventType, data: EventData): Promise<string> {
    const id = randomUUID();
    await insertEvent(this.systemTransaction.tx, [tenantId, id, type, payloadOf(data)]);
    this.systemTransaction.afterCommit(() => this.notifier.committed());
    return id;
  }
}
