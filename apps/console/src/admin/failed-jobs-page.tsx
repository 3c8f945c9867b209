import { unwrap } from '@tenantry/client';
import { useResource } from '../data';
import { formatDateTime } from '../lib/dates';
import { adminApi } from '../session';
import { Empty, ErrorMessage, Loading, Table } from '../ui';

/** Jobs that failed for good, with their errors. */
export function FailedJobsPage() {
  const jobs = useResource(() => unwrap(adminApi.GET('/v1/admin/jobs/failed', { params: { query: { limit: 100 } } })), []);
  return (
    <>
      <h1>Failed jobs</h1>
      <ErrorMessage error={jobs.error} />
      {jobs.isLoading && !jobs.data ? <Loading /> : (jobs.data?.data.length ?? 0) === 0 ? <Empty>No failed jobs.</Empty> : (
        <Table caption="Failed jobs" head={['Queue', 'Job', 'Tenant', 'Attempts', 'Failed', 'Error']}>
          {jobs.data!.data.map((job) => (
            <tr key={`${job.queue}-${job.id}`}>
              <td>{job.queue}</td>
              <td><code>{job.id}</code></td>
              <td><code>{job.tenantId}</code></td>
              <td>{job.attemptsMade}</td>
              <td>{formatDateTime(job.finishedAt)}</td>
              <td className="wrap">{job.failedReason ?? '—'}</td>
            </tr>
          ))}
        </Table>
      )}
    </>
  );
}
