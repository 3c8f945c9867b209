import { useState, type FormEvent } from 'react';
import { unwrap, type Schemas } from '@tenantry/client';
import { AuditLog } from '../audit-log';
import { messagesOf, useAction, useResource } from '../data';
import { configRows, limitsPatch, messagesFor, type LimitDrafts } from '../lib/config-diff';
import { formatDateTime } from '../lib/dates';
import { navigate } from '../router';
import { adminApi, tenantSession } from '../session';
import { Button, ErrorMessage, Field, Loading, QuotaBar, Section, Select, Table } from '../ui';
import { UsagePanel } from '../usage-panel';
import { adminPath } from './admin-console';
import { usePlans } from './tenants-page';

type TenantDetail = Schemas['TenantDetailResponse'];
type Plan = Schemas['PlanResponse'];

const timeZoneOf = (tenant: TenantDetail) => (tenant.effectiveConfig?.settings as { timezone?: string } | undefined)?.timezone ?? 'UTC';

function EffectiveConfig({ tenant, plan }: { tenant: TenantDetail; plan?: Plan }) {
  if (!tenant.effectiveConfig) return <p className="error" role="alert">The tenant's plan no longer exists: no effective config.</p>;
  const rows = configRows(plan, tenant.config, tenant.effectiveConfig as never);
  return (
    <Table caption="Effective config" head={['Section', 'Key', 'Plan default', 'Override', 'Effective']}>
      {rows.map((row) => (
        <tr key={`${row.section}.${row.key}`} className={row.isOverridden ? 'overridden' : undefined}>
          <td>{row.section}</td>
          <td><code>{row.key}</code></td>
          <td>{row.plan}</td>
          <td>{row.override}</td>
          <td><strong>{row.effective}</strong></td>
        </tr>
      ))}
    </Table>
  );
}

function OverridesEditor({ tenant, plan, onSaved }: { tenant: TenantDetail; plan?: Plan; onSaved: () => void }) {
  const limitKeys = [...new Set([...Object.keys(plan?.limits ?? {}), ...Object.keys(tenant.config.limits ?? {})])].sort();
  const featureKeys = [...new Set([...(plan?.features ?? []), ...Object.keys(tenant.config.features ?? {}), ...(tenant.effectiveConfig?.features ?? [])])].sort();
  const initialLimits = Object.fromEntries(limitKeys.map((key) => [key, tenant.config.limits?.[key]?.toString() ?? '']));
  const initialFeatures = Object.fromEntries(featureKeys.map((key) => [key, tenant.config.features?.[key] === undefined ? '' : String(tenant.config.features[key])]));
  const [limits, setLimits] = useState<LimitDrafts>(initialLimits);
  const [features, setFeatures] = useState<Record<string, string>>(initialFeatures);
  const [isSaved, setSaved] = useState(false);
  const save = useAction(async () => {
    const featurePatch: Record<string, boolean | null> = {};
    for (const [key, draft] of Object.entries(features)) {
      const before = tenant.config.features?.[key];
      const next = draft === '' ? undefined : draft === 'true';
      if (next !== before) featurePatch[key] = next ?? null;
    }
    await unwrap(adminApi.PATCH('/v1/admin/tenants/{id}/config', { params: { path: { id: tenant.id } }, body: { limits: limitsPatch(tenant.config.limits, limits), features: featurePatch } }));
    setSaved(true);
    onSaved();
  });
  const messages = messagesOf(save.error);
  const fieldMessages = new Set<string>();
  const at = (field: string) => {
    const found = messagesFor(messages, field);
    found.forEach((message) => fieldMessages.add(message));
    return found;
  };
  const limitFields = limitKeys.map((key) => (
    <Field key={key} label={`Limit ${key}`} type="number" value={limits[key] ?? ''} onChange={(value) => { setSaved(false); setLimits({ ...limits, [key]: value }); }} hint={`Plan: ${plan?.limits[key] ?? 'none'}; empty keeps the plan's`} errors={at(`limits.${key}`)} />
  ));
  const featureFields = featureKeys.map((key) => (
    <Select key={key} label={`Feature ${key}`} value={features[key] ?? ''} onChange={(value) => { setSaved(false); setFeatures({ ...features, [key]: value }); }} options={[['', `Plan default (${plan?.features.includes(key) ? 'on' : 'off'})`], ['true', 'On'], ['false', 'Off']]} errors={at(`features.${key}`)} />
  ));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save.run();
  };
  return (
    <form onSubmit={submit} className="stack" aria-label="Overrides">
      <fieldset><legend>Limits</legend><div className="grid">{limitFields}</div></fieldset>
      <fieldset><legend>Features</legend><div className="grid">{featureFields}</div></fieldset>
      <ErrorMessage messages={messages.filter((message) => !fieldMessages.has(message))} />
      {messages.length > 0 && fieldMessages.size > 0 && <p role="alert" className="error">The overrides were not saved: see the fields marked above.</p>}
      {isSaved && <p role="status" className="success">Overrides saved.</p>}
      <div><button type="submit" className="button primary" disabled={save.isPending}>Save overrides</button></div>
    </form>
  );
}

function PlanAndStatus({ tenant, plans, onChanged }: { tenant: TenantDetail; plans: Plan[]; onChanged: () => void }) {
  const [plan, setPlan] = useState(tenant.plan);
  const changePlan = useAction(async () => {
    await unwrap(adminApi.PATCH('/v1/admin/tenants/{id}', { params: { path: { id: tenant.id } }, body: { plan } }));
    onChanged();
  });
  const setStatus = useAction(async (action: 'suspend' | 'resume') => {
    const params = { params: { path: { id: tenant.id } } };
    await unwrap(action === 'suspend' ? adminApi.POST('/v1/admin/tenants/{id}/suspend', params) : adminApi.POST('/v1/admin/tenants/{id}/resume', params));
    onChanged();
  });
  return (
    <div className="stack">
      <form className="row" onSubmit={(event) => { event.preventDefault(); void changePlan.run(); }}>
        <Select label="Plan" value={plan} onChange={setPlan} options={plans.map((option) => [option.key, option.name])} />
        <button type="submit" className="button secondary" disabled={plan === tenant.plan || changePlan.isPending}>Change plan</button>
      </form>
      <ErrorMessage error={changePlan.error} />
      <div className="row">
        {tenant.status === 'active' && <Button variant="secondary" onClick={() => void setStatus.run('suspend')} disabled={setStatus.isPending}>Suspend tenant</Button>}
        {tenant.status === 'suspended' && <Button onClick={() => void setStatus.run('resume')} disabled={setStatus.isPending}>Resume tenant</Button>}
      </div>
      <ErrorMessage error={setStatus.error} />
    </div>
  );
}

function Export({ tenant }: { tenant: TenantDetail }) {
  const [job, setJob] = useState<Schemas['JobResponse']>();
  const [downloadUrl, setDownloadUrl] = useState<string>();
  const start = useAction(async () => {
    setDownloadUrl(undefined);
    const { jobId } = await unwrap(adminApi.POST('/v1/admin/tenants/{id}/export', { params: { path: { id: tenant.id } } }));
    for (let attempt = 0; attempt < 120; attempt++) {
      const current = await unwrap(adminApi.GET('/v1/admin/jobs/{jobId}', { params: { path: { jobId } } }));
      setJob(current);
      if (current.state === 'completed') {
        const { data, response } = await adminApi.GET('/v1/admin/jobs/{jobId}/download', { params: { path: { jobId } }, parseAs: 'blob' });
        if (!response.ok || !data) throw new Error(`The download failed (${response.status})`);
        setDownloadUrl(URL.createObjectURL(data as Blob));
        return;
      }
      if (current.state === 'failed') throw new Error(`The export failed: ${current.failedReason ?? 'no reason given'}`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    throw new Error('The export is still running; try again later');
  });
  return (
    <div className="stack">
      <div className="row">
        <Button variant="secondary" onClick={() => void start.run()} disabled={start.isPending}>Export tenant data</Button>
        {start.isPending && <span role="status">Export {job?.state ?? 'queued'}…</span>}
        {downloadUrl && <a className="button primary" href={downloadUrl} download={`${tenant.slug}-export.ndjson`}>Download export</a>}
      </div>
      <ErrorMessage error={start.error} />
    </div>
  );
}

/** Impersonation: find a user of the tenant by email (the owner by default), give a reason, act as them. */
function Impersonate({ tenant }: { tenant: TenantDetail }) {
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState('');
  const [userId, setUserId] = useState('');
  const [reason, setReason] = useState('');
  const users = useResource(
    () => unwrap(adminApi.GET('/v1/admin/tenants/{id}/users', { params: { path: { id: tenant.id }, query: { limit: 50, ...(query ? { q: query } : {}) } } })),
    [tenant.id, query],
  );
  const found = users.data?.data ?? [];
  const chosen = found.find((user) => user.id === userId);
  const impersonate = useAction(async () => {
    const body = chosen ? { reason, userId: chosen.id } : { reason };
    const answer = await unwrap(adminApi.POST('/v1/admin/tenants/{id}/impersonate', { params: { path: { id: tenant.id } }, body }));
    tenantSession.impersonate(answer.accessToken, { tenantId: tenant.id, tenantName: tenant.name, userEmail: answer.user.email });
    navigate('/console/');
  });
  return (
    <div className="stack">
      <form className="row" role="search" aria-label="Find a user" onSubmit={(event) => { event.preventDefault(); setUserId(''); setQuery(search.trim()); }}>
        <Field label="Find a user by email" type="search" value={search} onChange={setSearch} />
        <button type="submit" className="button secondary">Find users</button>
      </form>
      <ErrorMessage error={users.error} />
      <form className="stack" onSubmit={(event) => { event.preventDefault(); void impersonate.run(); }}>
        {users.isLoading && !users.data ? <Loading label="Loading users…" /> : (
          <Select
            label="User to impersonate"
            value={chosen ? chosen.id : ''}
            onChange={setUserId}
            options={[['', 'The first owner'], ...found.map((user): [string, string] => [user.id, `${user.email} (${user.role}${user.status === 'active' ? '' : `, ${user.status}`})`])]}
          />
        )}
        {users.data && query && found.length === 0 && <p role="status" className="muted">No user matches {query}.</p>}
        <Field label="Reason for impersonating" value={reason} onChange={setReason} required hint="Recorded in the tenant's audit log" />
        <ErrorMessage error={impersonate.error} />
        <div><button type="submit" className="button secondary" disabled={impersonate.isPending || tenant.status !== 'active'}>{chosen ? `Impersonate ${chosen.email}` : 'Impersonate owner'}</button></div>
      </form>
    </div>
  );
}

function DeleteTenant({ tenant, onDeleted }: { tenant: TenantDetail; onDeleted: () => void }) {
  const [confirmation, setConfirmation] = useState('');
  const remove = useAction(async () => {
    await unwrap(adminApi.DELETE('/v1/admin/tenants/{id}', { params: { path: { id: tenant.id } } }));
    onDeleted();
  });
  if (tenant.status === 'deleted') return <p>This tenant is deleted; its rows are being purged.</p>;
  return (
    <form className="stack" onSubmit={(event) => { event.preventDefault(); void remove.run(); }}>
      <Field label={`Type ${tenant.slug} to confirm`} value={confirmation} onChange={setConfirmation} hint="Deleting purges every row of the tenant; it cannot be undone" />
      <ErrorMessage error={remove.error} />
      <div><button type="submit" className="button danger" disabled={confirmation !== tenant.slug || remove.isPending}>Delete tenant</button></div>
    </form>
  );
}

/** One tenant: profile, plan and status, effective config and overrides, usage, export, impersonation, audit, deletion. */
export function TenantPage({ id }: { id: string }) {
  const tenant = useResource(() => unwrap(adminApi.GET('/v1/admin/tenants/{id}', { params: { path: { id } } })), [id]);
  const plans = usePlans();
  const [editorKey, setEditorKey] = useState(0);
  if (tenant.error && !tenant.data) return <><h1>Tenant</h1><ErrorMessage error={tenant.error} /></>;
  if (!tenant.data) return <Loading label="Loading tenant…" />;
  const detail = tenant.data;
  const plan = plans.data?.data.find((candidate) => candidate.key === detail.plan);
  const timeZone = timeZoneOf(detail);
  const reload = () => tenant.reload();
  // A plan change swaps the editor's plan defaults: start it afresh.
  const reloadAfterPlanChange = () => {
    tenant.reload();
    setEditorKey((value) => value + 1);
  };
  const quotas: Array<[string, number, number | null]> = [
    ['API calls this month', detail.usage.apiCalls.used, detail.usage.apiCalls.limit],
    ...Object.entries(detail.usage.metrics)
      .filter(([metric]) => detail.effectiveConfig?.limits[metric] !== undefined)
      .map(([metric, used]): [string, number, number | null] => [metric, used, detail.effectiveConfig!.limits[metric] ?? null]),
  ];
  return (
    <>
      <p><a href={adminPath('tenants')} onClick={(event) => { event.preventDefault(); navigate(adminPath('tenants')); }}>← All tenants</a></p>
      <div className="page-head">
        <h1>{detail.name}</h1>
        <span className={`badge ${detail.status}`}>{detail.status}</span>
      </div>
      <ErrorMessage error={tenant.error} />
      <Section title="Profile">
        <dl className="facts">
          <dt>Slug</dt><dd>{detail.slug}</dd>
          <dt>Id</dt><dd><code>{detail.id}</code></dd>
          <dt>Plan</dt><dd>{detail.plan}</dd>
          <dt>Status</dt><dd>{detail.status}</dd>
          <dt>Created</dt><dd>{formatDateTime(detail.createdAt, timeZone)}</dd>
          <dt>Time zone</dt><dd>{timeZone}</dd>
        </dl>
        {plans.data && <PlanAndStatus key={`${detail.plan}-${detail.status}`} tenant={detail} plans={plans.data.data} onChanged={reloadAfterPlanChange} />}
      </Section>
      <Section title="Effective config"><EffectiveConfig tenant={detail} plan={plan} /></Section>
      <Section title="Overrides">{plans.data ? <OverridesEditor key={`${editorKey}-${detail.plan}`} tenant={detail} plan={plan} onSaved={reload} /> : <Loading />}</Section>
      <Section title="Usage">
        <div className="quotas">{quotas.map(([label, used, limit]) => <QuotaBar key={label} label={label} used={used} limit={limit} />)}</div>
        <UsagePanel timeZone={timeZone} load={async (query) => (await unwrap(adminApi.GET('/v1/admin/usage', { params: { query: { ...query, tenantId: detail.id, limit: 100 } } }))).data} />
      </Section>
      <Section title="Impersonation"><Impersonate tenant={detail} /></Section>
      <Section title="Export"><Export tenant={detail} /></Section>
      <Section title="Audit log">
        <AuditLog timeZone={timeZone} load={(query) => unwrap(adminApi.GET('/v1/admin/tenants/{id}/audit-logs', { params: { path: { id: detail.id }, query } }))} />
      </Section>
      <Section title="Danger zone"><DeleteTenant tenant={detail} onDeleted={reload} /></Section>
    </>
  );
}
