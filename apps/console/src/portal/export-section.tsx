import { useEffect, useState } from 'react';
import { unwrap, type Schemas } from '@tenantry/client';
import { useAction } from '../data';
import { tenantApi } from '../session';
import { Button, ErrorMessage, Section } from '../ui';
import { usePortal } from './portal-context';

const POLL_MS = 1000;
const MAX_POLLS = 120;

/** The owner's export of the organisation's data: request it, wait for the job, download the NDJSON. */
export function ExportSection() {
  const portal = usePortal();
  const [job, setJob] = useState<Schemas['JobResponse']>();
  const [downloadUrl, setDownloadUrl] = useState<string>();
  useEffect(() => () => {
    if (downloadUrl) URL.revokeObjectURL(downloadUrl);
  }, [downloadUrl]);
  const start = useAction(async () => {
    setDownloadUrl(undefined);
    setJob(undefined);
    const { jobId } = await unwrap(tenantApi.POST('/v1/tenant/export'));
    const path = { params: { path: { jobId } } };
    for (let poll = 0; poll < MAX_POLLS; poll++) {
      const current = await unwrap(tenantApi.GET('/v1/tenant/exports/{jobId}', path));
      setJob(current);
      if (current.state === 'completed') {
        const { data, response } = await tenantApi.GET('/v1/tenant/exports/{jobId}/download', { ...path, parseAs: 'blob' });
        if (!response.ok || !data) throw new Error(`The download failed (${response.status})`);
        setDownloadUrl(URL.createObjectURL(data as Blob));
        return;
      }
      if (current.state === 'failed') throw new Error(`The export failed: ${current.failedReason ?? 'no reason given'}`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    throw new Error('The export is still running; try again later');
  });
  return (
    <Section title="Export your data">
      <p className="muted">Every row of {portal.tenant.name} as one JSON object per line (NDJSON). Secrets are never exported.</p>
      <div className="row">
        <Button variant="secondary" onClick={() => void start.run()} disabled={start.isPending}>Export organisation data</Button>
        {start.isPending && <span role="status">Export {job?.state ?? 'requested'}…</span>}
        {downloadUrl && <a className="button primary" href={downloadUrl} download={`${portal.tenant.slug}-export.ndjson`}>Download export</a>}
      </div>
      {downloadUrl && job?.result && <p role="status" className="success">The export is ready{typeof job.result.rows === 'number' ? `: ${job.result.rows} rows` : ''}.</p>}
      <ErrorMessage error={start.error} />
    </Section>
  );
}
