import { bucketStart, defaultWindow, metricsOf, niceMaximum, usageSeries } from './usage-series';

describe('usage chart data', () => {
  const rows = [
    { metric: 'api_calls', bucketStart: '2026-03-01T10:00:00.000Z', value: 4 },
    { metric: 'api_calls', bucketStart: '2026-03-01T12:00:00.000Z', value: 7 },
    { metric: 'projects.created', bucketStart: '2026-03-01T12:00:00.000Z', value: 1 },
  ];

  it('fills the hours without usage with zeros and keeps one metric', () => {
    const series = usageSeries(rows, 'api_calls', new Date('2026-03-01T09:30:00Z'), new Date('2026-03-01T13:00:00Z'), 'hour');
    expect(series).toEqual([
      { start: '2026-03-01T09:00:00.000Z', value: 0 },
      { start: '2026-03-01T10:00:00.000Z', value: 4 },
      { start: '2026-03-01T11:00:00.000Z', value: 0 },
      { start: '2026-03-01T12:00:00.000Z', value: 7 },
    ]);
  });

  it('sums hourly rows into days and months', () => {
    expect(usageSeries(rows, 'api_calls', new Date('2026-03-01T00:00:00Z'), new Date('2026-03-03T00:00:00Z'), 'day')).toEqual([
      { start: '2026-03-01T00:00:00.000Z', value: 11 },
      { start: '2026-03-02T00:00:00.000Z', value: 0 },
    ]);
    const months = usageSeries(rows, 'api_calls', new Date('2026-01-15T00:00:00Z'), new Date('2026-04-01T00:00:00Z'), 'month');
    expect(months.map((bucket) => [bucket.start.slice(0, 7), bucket.value])).toEqual([['2026-01', 0], ['2026-02', 0], ['2026-03', 11]]);
  });

  it('stops at the bucket cap', () => {
    expect(usageSeries([], 'x', new Date('2020-01-01Z'), new Date('2026-01-01Z'), 'hour', 10)).toHaveLength(10);
  });

  it('lists metrics, windows and a round axis', () => {
    expect(metricsOf(rows)).toEqual(['api_calls', 'projects.created']);
    expect(bucketStart(new Date('2026-03-01T10:59:59Z'), 'hour').toISOString()).toBe('2026-03-01T10:00:00.000Z');
    const window = defaultWindow('day', new Date('2026-03-31T10:00:00Z'));
    expect([window.from.toISOString(), window.to.toISOString()]).toEqual(['2026-03-02T00:00:00.000Z', '2026-04-01T00:00:00.000Z']);
    expect(defaultWindow('month', new Date('2026-03-31T10:00:00Z')).from.toISOString()).toBe('2025-04-01T00:00:00.000Z');
    expect([niceMaximum([]), niceMaximum([3]), niceMaximum([11]), niceMaximum([0.4]), niceMaximum([5000])]).toEqual([1, 5, 20, 0.5, 5000]);
  });
});
