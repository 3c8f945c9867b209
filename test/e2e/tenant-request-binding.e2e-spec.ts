import { randomUUID } from 'node:crypto';
import { AuditInterceptor } from '@tenantry/audit';
import { ProjectsController } from '../../apps/api/src/projects/projects.controller';
import { TenantRequestInterceptor } from '@tenantry/tenancy';
import { routeCatalog } from '../routes/catalog';
import { useTestApp } from '../support/test-app';

/**
 * The tenant transaction is bound per controller (@TenantRequests()), not globally, so that public
 * routes skip it: every route that is not public must run in it, either wrapped (a handler with no
 * interceptors: no interceptor pipeline at all) or with TenantRequestInterceptor first, so its
 * handler (and @Audit's row) runs in the request's tenant transaction.
 */
describe('tenant request binding', () => {
  const t = useTestApp();

  it('runs every route that is not public in the tenant transaction, wrapped or with TenantRequestInterceptor first, once', () => {
    const routes = routeCatalog(t);
    const guarded = routes.filter((route) => route.access !== 'public');
    expect(guarded.length).toBeGreaterThan(50);
    const problems = guarded.flatMap((route) => [
      ...(route.isTenantWrapped
        ? route.interceptors.length === 0
          ? []
          : [`${route.key}: wrapped, yet interceptors run outside its transaction`]
        : route.interceptors[0] === TenantRequestInterceptor
          ? []
          : [`${route.key} is not public: @TenantRequests() on its controller`]),
      ...(route.interceptors.filter((interceptor) => interceptor === TenantRequestInterceptor).length > 1 ? [`${route.key}: TenantRequestInterceptor twice`] : []),
    ]);
    expect(problems).toEqual([]);
    // The reads take the lighter path: most routes have no interceptor of their own.
    expect(guarded.filter((route) => route.isTenantWrapped).length).toBeGreaterThan(30);
    // @Audit rows commit with the change: its interceptor runs inside the tenant transaction.
    const audited = routes.filter((route) => route.interceptors.includes(AuditInterceptor));
    expect(audited.length).toBeGreaterThan(10);
    expect(audited.filter((route) => route.access !== 'public' && route.interceptors.indexOf(AuditInterceptor) < route.interceptors.indexOf(TenantRequestInterceptor))).toEqual([]);
  });

  it('never runs a wrapped handler without the request in the async context: it fails closed', () => {
    const controller = t.app.get(ProjectsController);
    expect(() => controller.get(randomUUID())).toThrow(/no request in the async context/);
  });
});
