import { useState } from 'react';
import type { Schemas } from '@tenantry/client';
import { useResource } from './data';
import { formatDateTime, isoFromInput } from './lib/dates';
import { Button, Empty, ErrorMessage, Field, Loading, Table } from './ui';

type AuditEntry = Schemas['AuditLogResponse'];
export interface AuditQuery {
  action?: string;
  resourceType?: string;
  from?: string;
  to?: string;
  cursor?: string;
  limit?: number;
}

/** The audit log with filters and "load more"; `load` is the tenant's or the admin's route. */
export function AuditLog({ load, timeZone }: { load: (query: AuditQuery) => Promise<{ data: AuditEntry[]; nextCursor: string | null }>; timeZone?: string }) {
  const [draft, setDraft] = useState({ action: '', resourceType: '', from: '', to: '' });
  const [filters, setFilters] = useState(draft);
  const [extra, setExtra] = useState<{ entries: AuditEntry[]; cursor: string | null } | undefined>();
  const query = (): AuditQuery => ({
    action: filters.action || undefined,
    resourceType: filters.resourceType || undefined,
    from: isoFromInput(filters.from),
    to: isoFromInput(filters.to),
    limit: 20,
  });
  const page = useResource(() => load(query()), [JSON.stringify(filters)]);
  const entries = [...(page.data?.data ?? []), ...(extra?.entries ?? [])];
  const cursor = extra ? extra.cursor : page.data?.nextCursor ?? null;
  const [moreError, setMoreError] = useState<Error>();
  const loadMore = async () => {
    if (!cursor) return;
    try {
      const next = await load({ ...query(), cursor });
      setExtra({ entries: [...(extra?.entries ?? []), ...next.data], cursor: next.nextCursor });
    } catch (error) {
      setMoreError(error as Error);
    }
  };
  return (
    <div>
      <form className="filters" onSubmit={(event) => { event.preventDefault(); setExtra(undefined); setFilters(draft); }}>
        <Field label="Action" value={draft.action} onChange={(action) => setDraft({ ...draft, action })} placeholder="project.created" />
        <Field label="Resource type" value={draft.resourceType} onChange={(resourceType) => setDraft({ ...draft, resourceType })} placeholder="project" />
        <Field label="From" type="datetime-local" value={draft.from} onChange={(from) => setDraft({ ...draft, from })} />
        <Field label="To" type="datetime-local" value={draft.to} onChange={(to) => setDraft({ ...draft, to })} />
        <button type="submit" className="button secondary">Apply filters</button>
      </form>
      <ErrorMessage error={page.error ?? moreError} />
      {page.isLoading && !page.data ? <Loading label="Loading audit log…" /> : entries.length === 0 ? <Empty>No audit entries match.</Empty> : (
        <Table caption="Audit log" head={['When', 'Action', 'Actor', 'Resource', 'IP']}>
          {entries.map((entry) => (
            <tr key={entry.id}>
              <td>{formatDateTime(entry.at, timeZone)}</td>
              <td>{entry.action}</td>
              <td>{entry.actorType}{entry.impersonatorId ? ' (impersonated)' : ''}</td>
              <td>{entry.resourceType}{entry.resourceId ? ` ${entry.resourceId.slice(0, 8)}` : ''}</td>
              <td>{entry.ip ?? '—'}</td>
            </tr>
          ))}
        </Table>
      )}
      {cursor && <Button variant="secondary" onClick={() => void loadMore()}>Load more</Button>}
    </div>
  );
}
