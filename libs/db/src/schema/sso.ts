import { sql } from 'drizzle-orm';
import { boolean, check, foreignKey, index, jsonb, pgTable, primaryKey, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { createdAt, idColumn, tenantIdColumn, updatedAt } from './columns';
import { tenants } from './tenants';
import { TENANT_ROLES, users } from './users';

export const SSO_CONNECTION_TYPES = ['oidc', 'saml'] as const;
export type SsoConnectionType = (typeof SSO_CONNECTION_TYPES)[number];

/**
 * A tenant's identity provider. OIDC: `issuer` and `client_id` (the client secret is a tenant
 * secret, `sso:<id>:client_secret`); SAML: the IdP's entity id, SSO URL and signing certificate.
 */
export const ssoConnections = pgTable(
  'sso_connections',
  {
    tenantId: tenantIdColumn().references(() => tenants.id),
    id: idColumn(),
    type: text('type', { enum: SSO_CONNECTION_TYPES }).notNull(),
    name: text('name').notNull(),
    isEnabled: boolean('is_enabled').notNull().default(true),
    defaultRole: text('default_role', { enum: TENANT_ROLES }).notNull().default('member'),
    /** Email domains this connection may sign in; empty: any of the tenant's verified domains or none. */
    allowedDomains: jsonb('allowed_domains').$type<string[]>().notNull().default([]),
    /** Where a finished sign-in may send the browser, besides APP_URL. */
    redirectUrls: jsonb('redirect_urls').$type<string[]>().notNull().default([]),
    issuer: text('issuer'),
    clientId: text('client_id'),
    idpEntityId: text('idp_entity_id'),
    idpSsoUrl: text('idp_sso_url'),
    idpCertificate: text('idp_certificate'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    // Sign-in starts from a connection id alone (sso_connection_tenant looks it up).
    index('sso_connections_id_idx').on(t.id),
    index('sso_connections_tenant_created_idx').on(t.tenantId, t.createdAt, t.id),
    check('sso_connections_type_valid', sql`${t.type} in ('oidc', 'saml')`),
    check('sso_connections_role_valid', sql`${t.defaultRole} in ('owner', 'admin', 'member', 'viewer')`),
  ],
);

/** A user's identity at a connection: the IdP's stable subject, never the email alone. */
export const ssoIdentities = pgTable(
  'sso_identities',
  {
    tenantId: tenantIdColumn().references(() => tenants.id),
    id: idColumn(),
    connectionId: uuid('connection_id').notNull(),
    subject: text('subject').notNull(),
    userId: uuid('user_id').notNull(),
    email: text('email'),
    createdAt: createdAt(),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true, precision: 3, mode: 'date' }),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    unique('sso_identities_connection_subject_unique').on(t.tenantId, t.connectionId, t.subject),
    index('sso_identities_user_idx').on(t.tenantId, t.userId),
    foreignKey({ columns: [t.tenantId, t.connectionId], foreignColumns: [ssoConnections.tenantId, ssoConnections.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }).onDelete('cascade'),
  ],
);

export type SsoConnection = typeof ssoConnections.$inferSelect;
export type SsoIdentity = typeof ssoIdentities.$inferSelect;
