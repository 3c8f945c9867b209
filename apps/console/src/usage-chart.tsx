import { useId } from 'react';
import { formatDateTime } from './lib/dates';
import { niceMaximum, type Granularity, type UsageBucket } from './lib/usage-series';

/** A bar chart of one metric's buckets, with the figures also in a table for screen readers. */
export function UsageChart({ buckets, metric, granularity, timeZone }: { buckets: UsageBucket[]; metric: string; granularity: Granularity; timeZone?: string }) {
  const titleId = useId();
  const maximum = niceMaximum(buckets.map((bucket) => bucket.value));
  const total = buckets.reduce((sum, bucket) => sum + bucket.value, 0);
  const width = 600;
  const height = 160;
  const barWidth = buckets.length ? width / buckets.length : width;
  const label = `${metric} per ${granularity}: ${total} in total over ${buckets.length} ${granularity}s`;
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={titleId} preserveAspectRatio="none">
        <title id={titleId}>{label}</title>
        {buckets.map((bucket, index) => {
          const barHeight = (bucket.value / maximum) * (height - 4);
          return <rect key={bucket.start} x={index * barWidth + 1} y={height - barHeight} width={Math.max(1, barWidth - 2)} height={barHeight} className="chart-bar" />;
        })}
      </svg>
      <figcaption className="muted">{label} (axis up to {maximum})</figcaption>
      <details>
        <summary>Figures</summary>
        <table>
          <caption className="visually-hidden">{label}</caption>
          <thead><tr><th scope="col">{granularity} starting</th><th scope="col">{metric}</th></tr></thead>
          <tbody>
            {buckets.filter((bucket) => bucket.value > 0).map((bucket) => <tr key={bucket.start}><td>{formatDateTime(bucket.start, timeZone)}</td><td>{bucket.value}</td></tr>)}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
