import { AdminConsole } from './admin/admin-console';
import { TenantPortal } from './portal/tenant-portal';
import { useLocation } from './router';

export const ADMIN_BASE = '/console/admin';
export const PORTAL_BASE = '/console';

/** One app, two consoles: /console/admin/ for system admins, everything else under /console/ for tenant users. */
export function App() {
  const { path } = useLocation();
  return path === ADMIN_BASE || path.startsWith(`${ADMIN_BASE}/`) ? <AdminConsole /> : <TenantPortal />;
}
