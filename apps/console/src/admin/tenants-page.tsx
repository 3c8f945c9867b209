import { useState, type FormEvent } from 'react';
import { unwrap, type Schemas } from '@tenantry/client';
import { messagesOf, useAction, useResource } from '../data';
import { formatDateTime } from '../lib/dates';
import { Link, navigate } from '../router';
import { adminApi } from '../session';
import { Button, Empty, ErrorMessage, Field, Loading, Section, Select, Table } from '../ui';
import { adminPath } from './admin-console';

type Tenant = Schemas['TenantResponse'];

export const usePlans = () => useResource(() => unwrap(adminApi.GET('/v1/admin/plans')), []);

function CreateTenant({ plans, onClose }: { plans: Schemas['PlanResponse'][]; onClose: () => void }) {
  const [form, setForm] = useState({ slug: '', name: '', plan: plans[0]?.key ?? '', email: '', password: '' });
  const create = useAction(() =>
    unwrap(adminApi.POST('/v1/admin/tenants', { body: { slug: form.slug, name: form.name, plan: form.plan, admin: { email: form.email, ...(form.password ? { password: form.password } : {}) } } })),
  );
  const messages = messagesOf(create.error);
  const at = (field: string) => messages.filter((message) => message.startsWith(field) || message.includes(` ${field} `));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const created = await create.run();
    if (created) navigate(adminPath(`tenants/${created.tenant.id}`));
  };
  return (
    <form onSubmit={(event) => void submit(event)} className="card stack" aria-label="New tenant">
      <h2>New tenant</h2>
      <Field label="Slug" value={form.slug} onChange={(slug) => setForm({ ...form, slug })} required hint="A DNS label: lower-case letters, digits, hyphens" errors={at('slug')} />
      <Field label="Name" value={form.name} onChange={(name) => setForm({ ...form, name })} required errors={at('name')} />
      <Select label="Plan" value={form.plan} onChange={(plan) => setForm({ ...form, plan })} options={plans.map((plan) => [plan.key, plan.name])} errors={at('plan')} />
      <Field label="First admin email" type="email" value={form.email} onChange={(email) => setForm({ ...form, email })} required errors={at('admin.email')} />
      <Field label="First admin password" type="password" value={form.password} onChange={(password) => setForm({ ...form, password })} autoComplete="new-password" hint="Leave empty to invite the admin without a password" errors={at('admin.password')} />
      <ErrorMessage messages={messages} />
      <div className="row">
        <button type="submit" className="button primary" disabled={create.isPending}>Create tenant</button>
        <Button variant="secondary" onClick={onClose}>Cancel</Button>
      </div>
    </form>
  );
}

/** Tenants: search, status and plan filters, cursor paging, and provisioning a new one. */
export function TenantsPage() {
  const plans = usePlans();
  const [search, setSearch] = useState('');
  const [filters, setFilters] = useState({ q: '', status: '', plan: '' });
  const [isCreating, setCreating] = useState(false);
  const [more, setMore] = useState<{ tenants: Tenant[]; cursor: string | null }>();
  const query = (cursor?: string) => ({
    q: filters.q || undefined,
    status: (filters.status || undefined) as Tenant['status'] | undefined,
    plan: filters.plan || undefined,
    limit: 20,
    cursor,
  });
  const page = useResource(() => unwrap(adminApi.GET('/v1/admin/tenants', { params: { query: query() } })), [JSON.stringify(filters)]);
  const loadMore = useAction(async (cursor: string) => {
    const next = await unwrap(adminApi.GET('/v1/admin/tenants', { params: { query: query(cursor) } }));
    setMore({ tenants: [...(more?.tenants ?? []), ...next.data], cursor: next.nextCursor });
  });
  const tenants = [...(page.data?.data ?? []), ...(more?.tenants ?? [])];
  const cursor = more ? more.cursor : page.data?.nextCursor ?? null;
  const apply = (next: typeof filters) => {
    setMore(undefined);
    setFilters(next);
  };
  return (
    <>
      <div className="page-head">
        <h1>Tenants</h1>
        {!isCreating && <Button onClick={() => setCreating(true)}>New tenant</Button>}
      </div>
      {isCreating && plans.data && <CreateTenant plans={plans.data.data} onClose={() => setCreating(false)} />}
      <Section title="All tenants">
        <form role="search" className="filters" onSubmit={(event) => { event.preventDefault(); apply({ ...filters, q: search }); }}>
          <Field label="Search" type="search" value={search} onChange={setSearch} placeholder="slug or name" />
          <Select label="Status" value={filters.status} onChange={(status) => apply({ ...filters, status })} options={[['', 'Any status'], ['active', 'Active'], ['suspended', 'Suspended'], ['deleted', 'Deleted']]} />
          <Select label="Plan filter" value={filters.plan} onChange={(plan) => apply({ ...filters, plan })} options={[['', 'Any plan'], ...(plans.data?.data ?? []).map((plan): [string, string] => [plan.key, plan.name])]} />
          <button type="submit" className="button secondary">Search</button>
        </form>
        <ErrorMessage error={page.error ?? loadMore.error} />
        {page.isLoading && !page.data ? <Loading label="Loading tenants…" /> : tenants.length === 0 ? <Empty>No tenants match.</Empty> : (
          <Table caption="Tenants" head={['Slug', 'Name', 'Plan', 'Status', 'Created']}>
            {tenants.map((tenant) => (
              <tr key={tenant.id}>
                <td><Link to={adminPath(`tenants/${tenant.id}`)}>{tenant.slug}</Link></td>
                <td>{tenant.name}</td>
                <td>{tenant.plan}</td>
                <td><span className={`badge ${tenant.status}`}>{tenant.status}</span></td>
                <td>{formatDateTime(tenant.createdAt)}</td>
              </tr>
            ))}
          </Table>
        )}
        {cursor && <Button variant="secondary" disabled={loadMore.isPending} onClick={() => void loadMore.run(cursor)}>Load more tenants</Button>}
      </Section>
    </>
  );
}
