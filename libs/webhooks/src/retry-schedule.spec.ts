import { MAX_ATTEMPTS, retryDelayMs } from './retry-schedule';

describe('the retry schedule', () => {
  it('waits 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, stretched by at most 10%, then gives up', () => {
    const base = [5, 300, 1800, 7200, 18000, 36000, 36000].map((seconds) => seconds * 1000);
    base.forEach((delay, index) => {
      expect(retryDelayMs(index + 1, () => 0)).toBe(delay);
      expect(retryDelayMs(index + 1, () => 0.999)).toBeLessThanOrEqual(delay * 1.1);
    });
    expect(MAX_ATTEMPTS).toBe(8);
    expect(retryDelayMs(8)).toBeUndefined();
  });
});
