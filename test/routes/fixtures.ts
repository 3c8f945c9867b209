/**
 * What the generated suites need to know about a route that the router cannot tell them. Each
 * entry is keyed "METHOD /path/{param}" exactly as the OpenAPI document writes it; a suite that
 * finds a route without what it needs fails and names the entry to add here.
 *
 * - ROUTE_FIXTURES: for every tenant route with a path parameter, `params` creates the resource
 *   in the given tenant and returns the path values (the cross-tenant suite calls it for tenant A
 *   and tenant B, then calls the route with A's credentials on B's values: 404); `body`, for
 *   routes that take one, is a body the route accepts, so that the ids, not validation, decide.
 * - PUBLIC_ROUTES: every @Public() route, with why it needs no credentials.
 */
import { LifecycleQueues } from '@tenantry/queues';
import { createProject, createTask, createUser, login } from '../factories';
import type { TestApp } from '../support/test-app';
import { unique, type WorldTenant } from './world';

export interface FixtureContext {
  t: TestApp;
  tenant: WorldTenant;
}

export interface RouteFixture {
  /** Creates what the path names, inside `tenant`, and returns the value of each path parameter. */
  params: (context: FixtureContext) => Promise<Record<string, string>>;
  /** A body the route accepts. */
  body?: () => object;
  /** Why A's credentials on B's values rightly do not answer 404 (the route then only must not touch B's rows). */
  notFoundExempt?: string;
}

const project = async ({ t, tenant }: FixtureContext) => ({ id: (await createProject(t, tenant.owner, unique('project'))).id });
const projectTasks = async ({ t, tenant }: FixtureContext) => ({ projectId: (await createProject(t, tenant.owner, unique('project'))).id });
const task = async ({ t, tenant }: FixtureContext) => {
  const parent = await createProject(t, tenant.owner, unique('project'));
  return { projectId: parent.id, id: (await createTask(t, tenant.owner, parent.id, unique('task'))).id };
};
const member = async ({ t, tenant }: FixtureContext) => ({ id: (await createUser(t, tenant, 'member')).id });
const apiKey = async ({ t, tenant }: FixtureContext) => {
  const response = await t.as(tenant.owner).post('/v1/api-keys').send({ name: unique('key'), role: 'viewer' });
  return { id: response.body.id as string };
};
const domain = async ({ t, tenant }: FixtureContext) => {
  const response = await t.as(tenant.owner).post('/v1/tenant/domains').send({ domain: `${unique('d')}.example` });
  return { id: response.body.id as string };
};
const secret = async ({ t, tenant }: FixtureContext) => {
  const name = unique('secret').replace('-', '.');
  await t.as(tenant.owner).put(`/v1/tenant/secrets/${name}`).send({ value: `value of ${name}` });
  return { name };
};
const ssoConnection = async ({ t, tenant }: FixtureContext) => {
  const response = await t.as(tenant.owner).post('/v1/tenant/sso/connections')
    .send({ type: 'oidc', issuer: `https://idp.${unique('b')}.example`, clientId: 'client', clientSecret: 'client-secret' });
  return { id: response.body.id as string };
};
const scimToken = async ({ t, tenant }: FixtureContext) => {
  const response = await t.http().post('/v1/tenant/scim/tokens').set('authorization', tenant.owner.auth).send({ name: unique('directory') });
  return { id: response.body.id as string };
};
const session = async ({ t, tenant }: FixtureContext) => {
  const { accessToken } = await login(t, tenant, tenant.owner);
  return { id: JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()).sid as string };
};
// Straight into the tables: the generated suites make more endpoints than a plan's webhook_endpoints allows.
const webhook = async ({ t, tenant }: FixtureContext) => {
  const [row] = await t.owner<{ id: string }[]>`
    insert into webhook_endpoints (tenant_id, url, events) values (${tenant.id}, ${`http://127.0.0.1:9/${unique('hook')}`}, ${['project.created']}) returning id`;
  return { id: row!.id };
};
const webhookDelivery = async (context: FixtureContext) => {
  const { id } = await webhook(context);
  const [event] = await context.t.owner<{ id: string }[]>`
    insert into events (tenant_id, type, data, dispatched_at) values (${context.tenant.id}, 'webhook.test', ${context.t.owner.json({ object: {} })}, now()) returning id`;
  const [delivery] = await context.t.owner<{ id: string }[]>`
    insert into webhook_deliveries (tenant_id, endpoint_id, event_id, event_type, status, event_occurred_at)
    values (${context.tenant.id}, ${id}, ${event!.id}, 'webhook.test', 'failed', now()) returning id`;
  return { id, deliveryId: delivery!.id };
};
const invitation = async ({ t, tenant }: FixtureContext) => {
  const response = await t.http().post('/v1/invitations').set('authorization', tenant.owner.auth).send({ email: `${unique('invitee')}@example.com`, role: 'member' });
  return { id: response.body.id as string };
};
const exportJob = async ({ t, tenant }: FixtureContext) => ({
  jobId: await t.app.get(LifecycleQueues).enqueueExport({ tenantId: tenant.id, requestedBy: { type: 'user', id: tenant.owner.id } }),
});

export const ROUTE_FIXTURES: Record<string, RouteFixture> = {
  'GET /v1/projects/{id}': { params: project },
  'PATCH /v1/projects/{id}': { params: project, body: () => ({ name: 'renamed' }) },
  'DELETE /v1/projects/{id}': { params: project },
  'GET /v1/projects/{projectId}/tasks': { params: projectTasks },
  'POST /v1/projects/{projectId}/tasks': { params: projectTasks, body: () => ({ title: 'planted' }) },
  'GET /v1/projects/{projectId}/tasks/{id}': { params: task },
  'PATCH /v1/projects/{projectId}/tasks/{id}': { params: task, body: () => ({ title: 'renamed' }) },
  'DELETE /v1/projects/{projectId}/tasks/{id}': { params: task },
  'PATCH /v1/users/{id}': { params: member, body: () => ({ role: 'viewer' }) },
  'DELETE /v1/users/{id}': { params: member },
  'POST /v1/users/{id}/deactivate': { params: member },
  'POST /v1/users/{id}/restore': { params: member },
  'DELETE /v1/api-keys/{id}': { params: apiKey },
  'GET /v1/tenant/domains/{id}': { params: domain },
  'POST /v1/tenant/domains/{id}/verify': { params: domain },
  'DELETE /v1/tenant/domains/{id}': { params: domain },
  'DELETE /v1/tenant/secrets/{name}': { params: secret },
  'PUT /v1/tenant/secrets/{name}': {
    params: secret,
    body: () => ({ value: 'planted' }),
    notFoundExempt: "secret names are the tenant's own: PUT stores the caller's secret of that name (204)",
  },
  'GET /v1/tenant/sso/connections/{id}': { params: ssoConnection },
  'PATCH /v1/tenant/sso/connections/{id}': { params: ssoConnection, body: () => ({ name: 'hijacked' }) },
  'DELETE /v1/tenant/sso/connections/{id}': { params: ssoConnection },
  'DELETE /v1/tenant/scim/tokens/{id}': { params: scimToken },
  'GET /v1/webhooks/{id}': { params: webhook },
  'PATCH /v1/webhooks/{id}': { params: webhook, body: () => ({ enabled: false }) },
  'DELETE /v1/webhooks/{id}': { params: webhook },
  'POST /v1/webhooks/{id}/rotate-secret': { params: webhook },
  'POST /v1/webhooks/{id}/test': { params: webhook },
  'GET /v1/webhooks/{id}/deliveries': { params: webhook },
  'POST /v1/webhooks/{id}/deliveries/{deliveryId}/retry': { params: webhookDelivery },
  'DELETE /v1/invitations/{id}': { params: invitation },
  'POST /v1/invitations/{id}/resend': { params: invitation },
  'GET /v1/tenant/exports/{jobId}': { params: exportJob },
  'GET /v1/tenant/exports/{jobId}/download': { params: exportJob },
  'DELETE /v1/me/sessions/{id}': { params: session },
};

export const PUBLIC_ROUTES: Record<string, string> = {
  'POST /v1/auth/login': 'signing in is how a tenant user gets credentials',
  'POST /v1/auth/refresh': 'the refresh token in the body is the credential',
  'POST /v1/auth/logout': 'the refresh token in the body is the credential',
  'POST /v1/auth/mfa': "the second step of a sign-in: the password step's mfa token and a code are the credential",
  'POST /v1/admin/auth/login': 'signing in is how a system admin gets credentials',
  'POST /v1/admin/auth/refresh': 'the refresh token in the body is the credential',
  'POST /v1/admin/auth/logout': 'the refresh token in the body is the credential',
  'POST /v1/console/auth/login': 'signing in to the console is how a tenant user gets a session',
  'POST /v1/console/auth/refresh': 'the HttpOnly session cookie is the credential (same-origin only)',
  'POST /v1/console/auth/logout': 'the HttpOnly session cookie is the credential (same-origin only)',
  'POST /v1/console/auth/mfa': "the second step of a console sign-in: the login's mfa token is the credential",
  'POST /v1/console/auth/invitations/accept': "the invitation link's token is the credential; accepting starts a console session",
  'POST /v1/console/auth/sso/exchange': "the identity provider's one-time code is the credential; it starts a console session",
  'POST /v1/console/admin/auth/login': 'signing in to the admin console is how a system admin gets a session',
  'POST /v1/console/admin/auth/refresh': 'the HttpOnly session cookie is the credential (same-origin only)',
  'POST /v1/console/admin/auth/logout': 'the HttpOnly session cookie is the credential (same-origin only)',
  'POST /v1/console/admin/auth/mfa': "the second step of an admin's console sign-in: the login's mfa token is the credential",
  'POST /v1/admin/auth/mfa': "the second step of a system admin's sign-in: the password step's mfa token and a code are the credential",
  'GET /health/live': 'probes of the orchestrator carry no credentials',
  'GET /health/ready': 'probes of the orchestrator carry no credentials',
  'POST /v1/auth/sso/discover': 'finding the identity provider comes before any credential',
  'GET /v1/auth/sso/oidc/callback': 'the identity provider redirects the browser here; the state and code are the credential',
  'POST /v1/auth/sso/exchange': 'the one-time code from the callback is the credential',
  'GET /v1/auth/sso/{connectionId}/start': 'signing in through the tenant identity provider starts without credentials',
  'POST /v1/auth/sso/saml/acs': "the identity provider's signed assertion and the sign-in's RelayState are the credential",
  'GET /v1/auth/sso/saml/{connectionId}/metadata': 'the identity provider reads the service provider metadata without credentials',
  'POST /v1/signup': 'signing up creates the tenant and its first credentials',
  'POST /v1/auth/verify-email': 'the mailed one-time token is the credential',
  'POST /v1/auth/verify-email/resend': 'an unverified owner cannot sign in; the answer is the same for any address',
  'GET /v1/auth/invitations/{token}': 'the invitation token in the path is the credential',
  'POST /v1/auth/invitations/accept': 'the invitation token in the body is the credential',
  'POST /v1/auth/password-reset': 'whoever forgot the password has no credentials; the answer is the same for any address',
  'POST /v1/auth/password-reset/confirm': 'the mailed one-time token is the credential',
  'POST /v1/admin/auth/password-reset': 'whoever forgot the password has no credentials; the answer is the same for any address',
  'POST /v1/admin/auth/password-reset/confirm': 'the mailed one-time token is the credential',
  'GET /metrics': 'the scraper presents METRICS_TOKEN, checked by the route itself (401 without it)',
};
