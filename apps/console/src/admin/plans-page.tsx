import { useState, type FormEvent } from 'react';
import { unwrap, type Schemas } from '@tenantry/client';
import { messagesOf, useAction } from '../data';
import { adminApi } from '../session';
import { Button, Empty, ErrorMessage, Field, Loading, Section, Table } from '../ui';
import { usePlans } from './tenants-page';

type Plan = Schemas['PlanResponse'];

const limitsText = (limits: Record<string, number>) => Object.entries(limits).map(([key, value]) => `${key}=${value}`).join('\n');

/** "seats=5" lines as limits; a value that is no number is kept as typed so the API names it. */
function parseLimits(text: string): Record<string, number> {
  const limits: Record<string, number | string> = {};
  for (const line of text.split('\n').map((entry) => entry.trim()).filter(Boolean)) {
    const [key, ...rest] = line.split('=');
    const value = rest.join('=').trim();
    limits[key!.trim()] = /^-?\d+$/.test(value) ? Number(value) : value;
  }
  return limits as Record<string, number>;
}

function PlanForm({ plan, onDone }: { plan?: Plan; onDone: () => void }) {
  const [form, setForm] = useState({ key: plan?.key ?? '', name: plan?.name ?? '', features: plan?.features.join(', ') ?? '', limits: plan ? limitsText(plan.limits) : '' });
  const save = useAction(async () => {
    const features = form.features.split(',').map((feature) => feature.trim()).filter(Boolean);
    const limits = parseLimits(form.limits);
    if (plan) await unwrap(adminApi.PATCH('/v1/admin/plans/{id}', { params: { path: { id: plan.id } }, body: { name: form.name, features, limits } }));
    else await unwrap(adminApi.POST('/v1/admin/plans', { body: { key: form.key, name: form.name, features, limits } }));
    onDone();
  });
  const messages = messagesOf(save.error);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save.run();
  };
  return (
    <form className="card stack" onSubmit={submit} aria-label={plan ? `Edit plan ${plan.key}` : 'New plan'}>
      <h2>{plan ? `Edit ${plan.name}` : 'New plan'}</h2>
      {!plan && <Field label="Key" value={form.key} onChange={(key) => setForm({ ...form, key })} required errors={messages.filter((message) => message.startsWith('key'))} />}
      <Field label="Plan name" value={form.name} onChange={(name) => setForm({ ...form, name })} required errors={messages.filter((message) => message.startsWith('name'))} />
      <Field label="Features" value={form.features} onChange={(features) => setForm({ ...form, features })} hint="Comma-separated, e.g. csv_export, sso" errors={messages.filter((message) => message.startsWith('features'))} />
      <div className="field">
        <label htmlFor="plan-limits">Limits</label>
        <textarea id="plan-limits" rows={6} value={form.limits} onChange={(event) => setForm({ ...form, limits: event.target.value })} aria-describedby="plan-limits-hint" />
        <small id="plan-limits-hint" className="muted">One per line: seats=5</small>
      </div>
      <ErrorMessage messages={messages.filter((message) => !/^(key|name|features)/.test(message))} />
      <div className="row">
        <button type="submit" className="button primary" disabled={save.isPending}>{plan ? 'Save plan' : 'Create plan'}</button>
        <Button variant="secondary" onClick={onDone}>Cancel</Button>
      </div>
    </form>
  );
}

/** The plan catalogue: list, create, edit. */
export function PlansPage() {
  const plans = usePlans();
  const [editing, setEditing] = useState<Plan | 'new'>();
  const done = () => {
    setEditing(undefined);
    plans.reload();
  };
  return (
    <>
      <div className="page-head">
        <h1>Plans</h1>
        {!editing && <Button onClick={() => setEditing('new')}>New plan</Button>}
      </div>
      {editing && <PlanForm plan={editing === 'new' ? undefined : editing} onDone={done} />}
      <Section title="Catalogue">
        <ErrorMessage error={plans.error} />
        {plans.isLoading && !plans.data ? <Loading /> : (plans.data?.data.length ?? 0) === 0 ? <Empty>No plans yet.</Empty> : (
          <Table caption="Plans" head={['Key', 'Name', 'Features', 'Limits', '']}>
            {plans.data!.data.map((plan) => (
              <tr key={plan.id}>
                <td><code>{plan.key}</code></td>
                <td>{plan.name}</td>
                <td>{plan.features.join(', ') || '—'}</td>
                <td className="wrap">{Object.entries(plan.limits).map(([key, value]) => `${key}: ${value}`).join(', ')}</td>
                <td><Button variant="secondary" onClick={() => setEditing(plan)} aria-label={`Edit plan ${plan.key}`}>Edit</Button></td>
              </tr>
            ))}
          </Table>
        )}
      </Section>
    </>
  );
}
