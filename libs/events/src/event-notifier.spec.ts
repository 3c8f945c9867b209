import type Redis from 'ioredis';
import type { AppConfig } from '@tenantry/config';
import { DISPATCHER_AWAKE_MS, DISPATCHER_AWAKE_POLL_MAX_MS, EventNotifier, HINT_INTERVAL_MS } from './event-notifier';

// Date.now runs on a fake clock, so no assertion depends on how fast the machine is; setImmediate
// (which sends the hint) and the promise queue stay real.
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('EventNotifier', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] }));
  afterEach(() => jest.useRealTimers());

  const config = { get: () => 'prefix' } as unknown as AppConfig;
  const redisAnswering = (answer: () => Promise<number> = () => Promise.resolve(1)) => ({ status: 'ready', publish: jest.fn(answer) });

  it('hints the first commit at once, then none for the commits of the next HINT_INTERVAL_MS', async () => {
    const redis = redisAnswering();
    const notifier = new EventNotifier(redis as unknown as Redis, config);
    const start = Date.now();
    notifier.committed();
    await turn();
    expect(redis.publish).toHaveBeenCalledTimes(1);
    expect(redis.publish).toHaveBeenCalledWith('prefix:events-committed', '1');
    // A commit every 5 ms up to the last millisecond of the interval: none hints.
    for (let elapsed = 5; elapsed < HINT_INTERVAL_MS; elapsed += 5) {
      jest.advanceTimersByTime(5);
      notifier.committed();
    }
    jest.advanceTimersByTime(HINT_INTERVAL_MS - 1 - (Date.now() - start));
    notifier.committed();
    await turn();
    expect(redis.publish).toHaveBeenCalledTimes(1);
    // The interval over, the next commit hints again, at once.
    jest.advanceTimersByTime(1);
    notifier.committed();
    await turn();
    expect(redis.publish).toHaveBeenCalledTimes(2);
  });

  it('never goes longer without a hint than an awake dispatcher stays awake', () => {
    // A commit that sends none follows a hint by less than HINT_INTERVAL_MS; the dispatcher that
    // took that hint's events looks again until DISPATCHER_AWAKE_MS after them.
    expect(HINT_INTERVAL_MS + DISPATCHER_AWAKE_POLL_MAX_MS).toBeLessThan(DISPATCHER_AWAKE_MS);
  });

  it('hints every replay (due deliveries that no event brings), without using up the interval of events', async () => {
    const redis = redisAnswering();
    const notifier = new EventNotifier(redis as unknown as Redis, config);
    notifier.deliveriesDue();
    notifier.deliveriesDue();
    await turn();
    expect(redis.publish).toHaveBeenCalledTimes(2);
    notifier.committed();
    await turn();
    expect(redis.publish).toHaveBeenCalledTimes(3);
  });

  it('drops the hint while Redis is not ready, and the next commit once it is hints at once', async () => {
    const redis = redisAnswering();
    const notifier = new EventNotifier(redis as unknown as Redis, config);
    redis.status = 'reconnecting';
    notifier.committed();
    await turn();
    expect(redis.publish).not.toHaveBeenCalled();
    redis.status = 'ready';
    notifier.committed();
    await turn();
    expect(redis.publish).toHaveBeenCalledTimes(1);
  });

  it('logs a failed publish and goes on', async () => {
    const redis = redisAnswering(() => Promise.reject(new Error('connection lost')));
    const notifier = new EventNotifier(redis as unknown as Redis, config);
    const warn = jest.spyOn((notifier as unknown as { logger: { warn(message: string): void } }).logger, 'warn').mockImplementation(() => undefined);
    notifier.committed();
    await turn();
    await turn();
    expect(warn).toHaveBeenCalledWith('could not announce committed events: connection lost');
    jest.advanceTimersByTime(HINT_INTERVAL_MS);
    notifier.committed();
    await turn();
    expect(redis.publish).toHaveBeenCalledTimes(2);
  });
});
