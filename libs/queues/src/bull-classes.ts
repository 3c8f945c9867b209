import { Processor, Queue, QueueOptions, RedisConnection, Worker, WorkerOptions } from 'bullmq';

/**
 * BullMQ's connection reports a failed start-up (Redis gone before its ready check answered) as an
 * 'error' event some time later, and `close()` removes every listener first. A queue or worker
 * closed while Redis is going away then emitted that error to nobody, which throws outside any
 * promise and takes the process down. This connection drops an error that no one listens for any
 * more; until it is closed, its queue or worker always listens, so nothing else is hidden.
 */
export class ClosableRedisConnection extends RedisConnection {
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'error' && this.listenerCount('error') === 0) return false;
    return super.emit(event, ...args);
  }
}

/** A BullMQ queue on a ClosableRedisConnection: the only way the product makes one. */
export class SafeQueue<DataType = unknown> extends Queue<DataType> {
  constructor(name: string, options: QueueOptions) {
    super(name, options, ClosableRedisConnection);
  }
}

/** A BullMQ worker on ClosableRedisConnections (its client and its blocking client). */
export class SafeWorker<DataType = unknown, ResultType = unknown> extends Worker<DataType, ResultType> {
  constructor(name: string, processor: Processor<DataType, ResultType>, options: WorkerOptions) {
    super(name, processor, options, ClosableRedisConnection);
  }
}
