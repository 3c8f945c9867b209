import { BadRequestException } from '@nestjs/common';
import { resolveUsageWindow } from './usage-window';

const NOW = Date.parse('2026-11-25T12:00:00Z');

describe('resolveUsageWindow', () => {
  it('defaults to the last day of hours and the last 30 days of days, ending now', () => {
    expect(resolveUsageWindow({ granularity: 'hour' }, NOW)).toEqual({
      from: new Date('2026-11-24T12:00:00Z'),
      to: new Date('2026-11-25T12:00:00Z'),
      granularity: 'hour',
    });
    expect(resolveUsageWindow({ granularity: 'day', metric: 'api_calls' }, NOW).from).toEqual(new Date('2026-10-26T12:00:00Z'));
  });

  it('refuses an inverted or empty window', () => {
    const at = new Date(NOW);
    expect(() => resolveUsageWindow({ granularity: 'day', from: at, to: at }, NOW)).toThrow(BadRequestException);
    expect(() => resolveUsageWindow({ granularity: 'day', from: new Date(NOW + 1), to: at }, NOW)).toThrow('from must be before to');
  });

  it('refuses more than 31 days of hours', () => {
    const to = new Date('2026-11-01T00:00:00Z');
    expect(resolveUsageWindow({ granularity: 'hour', from: new Date('2026-10-01T00:00:00Z'), to }, NOW).granularity).toBe('hour');
    expect(() => resolveUsageWindow({ granularity: 'hour', from: new Date('2026-09-30T23:00:00Z'), to }, NOW)).toThrow('at most 31 days');
  });
});
