import { unwrap } from '@tenantry/client';
import { AuditLog } from '../audit-log';
import { tenantApi } from '../session';
import { usePortal } from './portal-context';

export function AuditPage() {
  const portal = usePortal();
  return (
    <>
      <h1>Audit log</h1>
      <AuditLog timeZone={portal.timeZone} load={(query) => unwrap(tenantApi.GET('/v1/audit-logs', { params: { query } }))} />
    </>
  );
}
