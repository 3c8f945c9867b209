import { useState, type FormEvent } from 'react';
import { unwrap, type Schemas } from '@tenantry/client';
import { useAction, useResource } from '../data';
import { formatDateTime } from '../lib/dates';
import { tenantApi } from '../session';
import { Button, Empty, ErrorMessage, Field, Loading, Section, Select, Table } from '../ui';
import { usePortal, type Role } from './portal-context';

function NewSecret({ created, onDismiss }: { created: Schemas['CreatedApiKeyResponse']; onDismiss: () => void }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    await navigator.clipboard.writeText(created.key).catch(() => undefined);
    setCopied(true);
  };
  return (
    <div className="card secret" role="region" aria-label="New API key secret">
      <p><strong>Copy the secret of {created.name} now: it is shown only once.</strong></p>
      <code className="secret-value" aria-label="API key secret">{created.key}</code>
      <div className="row">
        <Button onClick={() => void copy()}>Copy secret</Button>
        {copied && <span role="status">Copied.</span>}
        <Button variant="secondary" onClick={onDismiss}>Done</Button>
      </div>
    </div>
  );
}

/** API keys: create with role and expiry (the secret shown once), revoke. */
export function ApiKeysPage() {
  const portal = usePortal();
  const keys = useResource(() => unwrap(tenantApi.GET('/v1/api-keys', { params: { query: { limit: 100 } } })), []);
  const [form, setForm] = useState({ name: '', role: 'viewer' as Role, expiresAt: '' });
  const [created, setCreated] = useState<Schemas['CreatedApiKeyResponse']>();
  const create = useAction(async () => {
    const key = await unwrap(tenantApi.POST('/v1/api-keys', { body: { name: form.name, role: form.role, ...(form.expiresAt ? { expiresAt: new Date(`${form.expiresAt}T23:59:59Z`).toISOString() } : {}) } }));
    setCreated(key);
    setForm({ name: '', role: 'viewer', expiresAt: '' });
    keys.reload();
  });
  const revoke = useAction(async (id: string) => {
    await unwrap(tenantApi.DELETE('/v1/api-keys/{id}', { params: { path: { id } } }));
    keys.reload();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void create.run();
  };
  return (
    <>
      <h1>API keys</h1>
      {created && <NewSecret created={created} onDismiss={() => setCreated(undefined)} />}
      <Section title="Create an API key">
        <form className="filters" onSubmit={submit}>
          <Field label="Key name" value={form.name} onChange={(name) => setForm({ ...form, name })} required />
          <Select label="Key role" value={form.role} onChange={(role) => setForm({ ...form, role: role as Role })} options={[['viewer', 'Viewer'], ['member', 'Member'], ['admin', 'Admin']]} />
          <Field label="Expires on" type="date" value={form.expiresAt} onChange={(expiresAt) => setForm({ ...form, expiresAt })} hint="Optional" />
          <button type="submit" className="button primary" disabled={create.isPending}>Create key</button>
        </form>
        <ErrorMessage error={create.error} />
      </Section>
      <Section title="Keys">
        <ErrorMessage error={keys.error ?? revoke.error} />
        {keys.isLoading && !keys.data ? <Loading /> : (keys.data?.data.length ?? 0) === 0 ? <Empty>No API keys yet.</Empty> : (
          <Table caption="API keys" head={['Name', 'Prefix', 'Role', 'Expires', 'Last used', '']}>
            {keys.data!.data.map((key) => (
              <tr key={key.id}>
                <td>{key.name}</td>
                <td><code>{key.prefix}</code></td>
                <td>{key.role}</td>
                <td>{formatDateTime(key.expiresAt, portal.timeZone, portal.locale)}</td>
                <td>{formatDateTime(key.lastUsedAt, portal.timeZone, portal.locale)}</td>
                <td>{key.revokedAt ? 'Revoked' : <Button variant="danger" onClick={() => void revoke.run(key.id)} aria-label={`Revoke ${key.name}`}>Revoke</Button>}</td>
              </tr>
            ))}
          </Table>
        )}
      </Section>
    </>
  );
}
