import type Redis from 'ioredis';
import type { AppConfig } from '@tenantry/config';
import { DISPATCHER_AWAKE_MS, DISPATCHER_AWAKE_POLL_MS } from '@tenantry/events';
import type { Clock } from '@tenantry/metering';
import type { WebhookDeliveryLoop } from './webhook-delivery-loop';
import type { WebhookDispatchRepository } from './webhook-dispatch.repository';
import { WebhookDispatcher } from './webhook-dispatcher';

// setTimeout and Date.now run on a fake clock: the passes counted are those the dispatcher's own
// timers ask for, whatever the machine's speed. The slow poll (onModuleInit's interval) is not
// started here: only wake() and the dispatcher's looks again.
describe('WebhookDispatcher', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] }));
  afterEach(() => jest.useRealTimers());

  /** A dispatcher whose passes find the counts given, in turn (then none). */
  const dispatcherFinding = (...counts: number[]) => {
    const dispatch = jest.fn(async () => ({ events: counts.shift() ?? 0, deliveries: 0 }));
    const dispatcher = new WebhookDispatcher(
      { dispatch } as unknown as WebhookDispatchRepository,
      { get: () => 200 } as unknown as AppConfig,
      {} as Redis,
      { now: () => Date.now() } as Clock,
      { wake: jest.fn() } as unknown as WebhookDeliveryLoop,
    );
    return { dispatcher, dispatch };
  };
  /** Lets the pass under way (its promises) finish, then moves the clock on. */
  const after = async (ms: number) => {
    for (let i = 0; i < 5; i++) await Promise.resolve();
    await jest.advanceTimersByTimeAsync(ms);
  };

  it('looks again every DISPATCHER_AWAKE_POLL_MS until DISPATCHER_AWAKE_MS after the last pass that found events', async () => {
    const { dispatcher, dispatch } = dispatcherFinding(3, 0, 2);
    dispatcher.wake();
    await after(0);
    expect(dispatch).toHaveBeenCalledTimes(1);
    await after(DISPATCHER_AWAKE_POLL_MS);
    expect(dispatch).toHaveBeenCalledTimes(2); // found none: still awake
    await after(DISPATCHER_AWAKE_POLL_MS);
    expect(dispatch).toHaveBeenCalledTimes(3); // found 2: awake for another DISPATCHER_AWAKE_MS
    const third = Date.now();
    while (Date.now() < third + DISPATCHER_AWAKE_MS + 5 * DISPATCHER_AWAKE_POLL_MS) await after(DISPATCHER_AWAKE_POLL_MS);
    const calls = dispatch.mock.calls.length;
    // About one look per poll interval over the awake time, and then none.
    expect(calls).toBeGreaterThanOrEqual(3 + DISPATCHER_AWAKE_MS / DISPATCHER_AWAKE_POLL_MS / 2);
    expect(calls).toBeLessThanOrEqual(4 + DISPATCHER_AWAKE_MS / DISPATCHER_AWAKE_POLL_MS);
    await after(10 * DISPATCHER_AWAKE_MS);
    expect(dispatch).toHaveBeenCalledTimes(calls);
    await dispatcher.beforeApplicationShutdown();
  });

  it('does not stay awake after a pass that found nothing', async () => {
    const { dispatcher, dispatch } = dispatcherFinding(0);
    dispatcher.wake();
    await after(DISPATCHER_AWAKE_MS);
    expect(dispatch).toHaveBeenCalledTimes(1);
    await dispatcher.beforeApplicationShutdown();
  });

  it('stops looking again once stopping', async () => {
    const { dispatcher, dispatch } = dispatcherFinding(5, 5, 5, 5);
    dispatcher.wake();
    await after(0);
    await dispatcher.beforeApplicationShutdown();
    const calls = dispatch.mock.calls.length;
    await after(DISPATCHER_AWAKE_MS);
    expect(dispatch).toHaveBeenCalledTimes(calls);
  });
});
