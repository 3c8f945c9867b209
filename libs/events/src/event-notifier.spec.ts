import type Redis from 'ioredis';
import type { AppConfig } from '@tenantry/config';
import { EventNotifier, HINT_INTERVAL_MS } from './event-notifier';

// The interval runs on a fake clock (setTimeout and Date.now), so no assertion depends on how fast
// the machine is; setImmediate and the promise queue stay real.
const turn = () => new Promise((resolve) => setImmediate(resolve));
const interval = async () => {
  await turn();
  jest.advanceTimersByTime(HINT_INTERVAL_MS + 5);
  await turn();
};

describe('EventNotifier', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] }));
  afterEach(() => jest.useRealTimers());

  const config = { get: () => 'prefix' } as unknown as AppConfig;
  /** A Redis whose publishes stay open until the test answers them. */
  const redisWithOpenPublishes = () => {
    const answers: (() => void)[] = [];
    const redis = { status: 'ready', publish: jest.fn(() => new Promise<number>((resolve) => answers.push(() => resolve(1)))) };
    return { redis, answerNext: () => answers.shift()!() };
  };

  it('publishes a commit at once, then all the commits of the next interval as one', async () => {
    const { redis, answerNext } = redisWithOpenPublishes();
    const notifier = new EventNotifier(redis as unknown as Redis, config);
    notifier.committed();
    await turn();
    expect(redis.publish).toHaveBeenCalledTimes(1);
    expect(redis.publish).toHaveBeenCalledWith('prefix:events-committed', '1');
    for (let i = 0; i < 50; i++) notifier.committed();
    await turn();
    expect(redis.publish).toHaveBeenCalledTimes(1); // the first is still under way
    answerNext();
    await interval();
    expect(redis.publish).toHaveBeenCalledTimes(2); // one for the fifty
    answerNext();
    await interval();
    expect(redis.publish).toHaveBeenCalledTimes(2); // nothing committed since: nothing more
    // Idle again past the interval: the next commit's hint leaves at once.
    notifier.committed();
    await turn();
    expect(redis.publish).toHaveBeenCalledTimes(3);
    answerNext();
    // Commits spaced wider than a round trip but within the interval still share one publish.
    await turn();
    notifier.committed();
    await turn();
    expect(redis.publish).toHaveBeenCalledTimes(3);
    await interval();
    expect(redis.publish).toHaveBeenCalledTimes(4);
    answerNext();
  });

  it('drops the hint while Redis is not ready, and publishes again once it is', async () => {
    const { redis, answerNext } = redisWithOpenPublishes();
    const notifier = new EventNotifier(redis as unknown as Redis, config);
    redis.status = 'reconnecting';
    notifier.committed();
    await turn();
    expect(redis.publish).not.toHaveBeenCalled();
    redis.status = 'ready';
    notifier.committed();
    await turn();
    expect(redis.publish).toHaveBeenCalledTimes(1);
    answerNext();
  });
});
