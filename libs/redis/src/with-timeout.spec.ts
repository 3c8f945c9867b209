import { withTimeout } from './with-timeout';

describe('withTimeout', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('answers what the work answers, and leaves no timer behind', async () => {
    await expect(withTimeout(Promise.resolve(42), 1000, 'Redis')).resolves.toBe(42);
    expect(jest.getTimerCount()).toBe(0);
  });

  it("fails with the work's own error, and leaves no timer behind", async () => {
    const failure = new Error('READONLY');
    await expect(withTimeout(Promise.reject(failure), 1000, 'Redis')).rejects.toBe(failure);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('fails naming what did not answer once the time is up, and ignores a late answer', async () => {
    let answer!: (value: string) => void;
    const outcome = withTimeout(new Promise<string>((resolve) => (answer = resolve)), 250, 'Redis');
    jest.advanceTimersByTime(249);
    const settled = jest.fn();
    void outcome.then(settled, settled);
    await Promise.resolve();
    expect(settled).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    await expect(outcome).rejects.toThrow('Redis did not answer within 250 ms');
    answer('too late');
    await expect(outcome).rejects.toThrow('Redis did not answer within 250 ms');
  });
});
