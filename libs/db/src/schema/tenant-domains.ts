import { sql } from 'drizzle-orm';
import { check, index, pgTable, primaryKey, text, timestamp, unique, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, idColumn, tenantIdColumn, updatedAt } from './columns';
import { tenants } from './tenants';

export const DOMAIN_STATUSES = ['pending', 'verified', 'failed'] as const;
export type DomainStatus = (typeof DOMAIN_STATUSES)[number];

/**
 * Mail domains a tenant claims, proven by a DNS TXT record. Several tenants may claim a domain;
 * one at most can have it verified (a unique index across tenants: the only thing that must be
 * known across tenants, and what home-realm discovery relies on).
 */
export const tenantDomains = pgTable(
  'tenant_domains',
  {
    tenantId: tenantIdColumn().references(() => tenants.id),
    id: idColumn(),
    domain: text('domain').notNull(),
    status: text('status', { enum: DOMAIN_STATUSES }).notNull().default('pending'),
    /** The TXT value to publish at `_tenantry-challenge.<domain>`: public by design, not a credential. */
    challenge: text('challenge').notNull(),
    failureReason: text('failure_reason'),
    checkedAt: timestamp('checked_at', { withTimezone: true, precision: 3, mode: 'date' }),
    verifiedAt: timestamp('verified_at', { withTimezone: true, precision: 3, mode: 'date' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    unique('tenant_domains_tenant_domain_unique').on(t.tenantId, t.domain),
    uniqueIndex('tenant_domains_verified_once').on(t.domain).where(sql`status = 'verified'`),
    index('tenant_domains_tenant_created_idx').on(t.tenantId, t.createdAt, t.id),
    check('tenant_domains_status_valid', sql`${t.status} in ('pending', 'verified', 'failed')`),
  ],
);

export type TenantDomain = typeof tenantDomains.$inferSelect;
