import { unwrap } from '@tenantry/client';
import { useResource } from '../data';
import { tenantApi } from '../session';
import { ErrorMessage, Loading, QuotaBar, Section } from '../ui';
import { UsagePanel } from '../usage-panel';
import { isAtLeast, usePortal } from './portal-context';

const QUOTA_LABELS: Record<string, string> = { seats: 'Seats', projects: 'Projects', api_calls_per_month: 'API calls this month', requests_per_minute: 'Requests per minute' };

/** The organisation at a glance: plan, quotas, usage. */
export function HomePage() {
  const portal = usePortal();
  const quotas = useResource(() => unwrap(tenantApi.GET('/v1/quotas')), []);
  return (
    <>
      <h1>{portal.tenant.settings.branding?.displayName ?? portal.tenant.name}</h1>
      <Section title="Plan">
        <dl className="facts">
          <dt>Plan</dt><dd>{portal.tenant.plan}</dd>
          <dt>Features</dt><dd>{portal.tenant.features.join(', ') || 'none'}</dd>
          <dt>Status</dt><dd>{portal.tenant.status}</dd>
        </dl>
      </Section>
      <Section title="Quotas">
        <ErrorMessage error={quotas.error} />
        {quotas.isLoading && !quotas.data ? <Loading /> : (
          <div className="quotas">
            {(quotas.data ?? []).filter((quota) => quota.period !== 'minute').map((quota) => (
              <QuotaBar key={quota.metric} label={QUOTA_LABELS[quota.metric] ?? quota.metric} used={quota.used} limit={quota.limit} />
            ))}
          </div>
        )}
      </Section>
      {isAtLeast(portal.role, 'admin') && (
        <Section title="Usage">
          <UsagePanel timeZone={portal.timeZone} load={async (query) => (await unwrap(tenantApi.GET('/v1/usage', { params: { query } }))).data} />
        </Section>
      )}
    </>
  );
}
