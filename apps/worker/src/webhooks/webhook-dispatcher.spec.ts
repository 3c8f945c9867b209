import type Redis from 'ioredis';
import type { AppConfig } from '@tenantry/config';
import { DISPATCHER_AWAKE_MS, DISPATCHER_AWAKE_POLL_MAX_MS, DISPATCHER_AWAKE_POLL_MS } from '@tenantry/events';
import type { Clock } from '@tenantry/metering';
import type { WebhookDeliveryLoop } from './webhook-delivery-loop';
import type { WebhookDispatchRepository } from './webhook-dispatch.repository';
import { WebhookDispatcher } from './webhook-dispatcher';

// setTimeout and Date.now run on a fake clock: the passes counted are those the dispatcher's own
// timers ask for, whatever the machine's speed. The interval's poll (onModuleInit) is not started
// here: only wake(), runOnce() and the dispatcher's own looks.
describe('WebhookDispatcher', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] }));
  afterEach(() => jest.useRealTimers());

  /** A dispatcher whose passes find the counts given, in turn (an Error: that pass fails), then none; when each pass ran. */
  const dispatcherFinding = (...results: (number | Error)[]) => {
    const at: number[] = [];
    const dispatch = jest.fn(async () => {
      at.push(Date.now());
      const result = results.shift() ?? 0;
      if (result instanceof Error) throw result;
      return { events: result, deliveries: 0 };
    });
    const deliveries = { wake: jest.fn() };
    const dispatcher = new WebhookDispatcher(
      { dispatch } as unknown as WebhookDispatchRepository,
      { get: () => 200 } as unknown as AppConfig,
      {} as Redis,
      { now: () => Date.now() } as Clock,
      deliveries as unknown as WebhookDeliveryLoop,
    );
    (dispatcher as unknown as { logger: { error(message: string): void } }).logger.error = jest.fn();
    return { dispatcher, dispatch, at, deliveries };
  };
  /** Lets the pass under way (its promises) finish, then moves the clock on. */
  const after = async (ms: number) => {
    await jest.advanceTimersByTimeAsync(0);
    await jest.advanceTimersByTimeAsync(ms);
  };

  it('after a pass that found events, looks again soon, less often while it finds none, until DISPATCHER_AWAKE_MS after the last find', async () => {
    const { dispatcher, at } = dispatcherFinding(3, 0, 0, 2);
    const start = Date.now();
    dispatcher.wake();
    await after(DISPATCHER_AWAKE_MS * 4);
    const gaps = at.slice(1).map((time, index) => time - at[index]!);
    // Found 3: 10 ms; none: 20; none: 40; found 2 (the fourth pass): 10 again, then 20, 40, 40, ...
    expect(gaps.slice(0, 6)).toEqual([DISPATCHER_AWAKE_POLL_MS, 2 * DISPATCHER_AWAKE_POLL_MS, DISPATCHER_AWAKE_POLL_MAX_MS, DISPATCHER_AWAKE_POLL_MS, 2 * DISPATCHER_AWAKE_POLL_MS, DISPATCHER_AWAKE_POLL_MAX_MS]);
    expect(Math.max(...gaps)).toBe(DISPATCHER_AWAKE_POLL_MAX_MS);
    // The last look comes before the window after the fourth pass closes, and none after it.
    const lastFind = at[3]!;
    expect(at[at.length - 1]).toBeLessThan(lastFind + DISPATCHER_AWAKE_MS + DISPATCHER_AWAKE_POLL_MAX_MS);
    expect(at[at.length - 1]).toBeGreaterThanOrEqual(lastFind + DISPATCHER_AWAKE_MS - DISPATCHER_AWAKE_POLL_MAX_MS);
    expect(at[0]).toBe(start);
    await dispatcher.beforeApplicationShutdown();
  });

  it('does not stay awake after a pass that found nothing, and wakes the delivery loop for it (retries, replays)', async () => {
    const { dispatcher, dispatch, deliveries } = dispatcherFinding(0);
    dispatcher.wake();
    await after(DISPATCHER_AWAKE_MS);
    expect(dispatch).toHaveBeenCalledTimes(1);
    expect(deliveries.wake).toHaveBeenCalledTimes(1);
    await dispatcher.beforeApplicationShutdown();
  });

  it("leaves the delivery loop alone on its own looks that find nothing", async () => {
    const { dispatcher, dispatch, deliveries } = dispatcherFinding(1);
    dispatcher.wake();
    await after(DISPATCHER_AWAKE_MS * 2);
    // The first pass found one: the loop woken once, as it fanned it out; the looks found none.
    expect(dispatch.mock.calls.length).toBeGreaterThan(5);
    expect(deliveries.wake).toHaveBeenCalledTimes(1);
    await dispatcher.beforeApplicationShutdown();
  });

  it('looks no further after a failed pass (the interval poll tries again)', async () => {
    const { dispatcher, dispatch } = dispatcherFinding(4, new Error('connection lost'));
    dispatcher.wake();
    await after(DISPATCHER_AWAKE_MS * 2);
    expect(dispatch).toHaveBeenCalledTimes(2);
    await dispatcher.beforeApplicationShutdown();
  });

  it('is awake after runOnce found events, and runs the pass a hint asked for during it', async () => {
    const { dispatcher, dispatch } = dispatcherFinding(2, 0);
    const running = dispatcher.runOnce();
    dispatcher.wake(); // a hint while runOnce's pass is under way
    await running;
    await after(0);
    expect(dispatch).toHaveBeenCalledTimes(2);
    await after(DISPATCHER_AWAKE_POLL_MAX_MS);
    expect(dispatch.mock.calls.length).toBeGreaterThan(2); // awake: the looks go on
    await dispatcher.beforeApplicationShutdown();
  });

  it('stops looking once stopping', async () => {
    const { dispatcher, dispatch } = dispatcherFinding(5, 5, 5, 5);
    dispatcher.wake();
    await after(0);
    await dispatcher.beforeApplicationShutdown();
    const calls = dispatch.mock.calls.length;
    await after(DISPATCHER_AWAKE_MS);
    expect(dispatch).toHaveBeenCalledTimes(calls);
  });
});
