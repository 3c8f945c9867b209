import { useState } from 'react';
import { useResource } from './data';
import { defaultWindow, metricsOf, usageSeries, type Granularity, type UsageRow } from './lib/usage-series';
import { UsageChart } from './usage-chart';
import { ErrorMessage, Loading, Select } from './ui';

/** Granularity and metric pickers over a usage chart; `load` fetches the rows of a window. */
export function UsagePanel({ load, timeZone }: { load: (query: { from: string; to: string; granularity: Granularity }) => Promise<UsageRow[]>; timeZone?: string }) {
  const [granularity, setGranularity] = useState<Granularity>('day');
  const [chosenMetric, setMetric] = useState('');
  const window = defaultWindow(granularity);
  const rows = useResource(() => load({ from: window.from.toISOString(), to: window.to.toISOString(), granularity }), [granularity]);
  const metrics = metricsOf(rows.data ?? []);
  const metric = chosenMetric && metrics.includes(chosenMetric) ? chosenMetric : (metrics.includes('api_calls') ? 'api_calls' : metrics[0] ?? '');
  return (
    <div>
      <div className="filters">
        <Select label="Granularity" value={granularity} onChange={(value) => setGranularity(value as Granularity)} options={[['hour', 'Hour'], ['day', 'Day'], ['month', 'Month']]} />
        <Select label="Metric" value={metric} onChange={setMetric} options={metrics.length ? metrics.map((name) => [name, name]) : [['', 'No usage yet']]} />
      </div>
      <ErrorMessage error={rows.error} />
      {rows.isLoading && !rows.data ? <Loading label="Loading usage…" /> : metric ? (
        <UsageChart buckets={usageSeries(rows.data ?? [], metric, window.from, window.to, granularity)} metric={metric} granularity={granularity} timeZone={timeZone} />
      ) : (
        <p className="empty">No usage recorded in this window.</p>
      )}
    </div>
  );
}
