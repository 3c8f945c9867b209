/** Usage batches from the API's UsageRecorder to the worker's rollup processor. */
export const USAGE_EVENTS_QUEUE = 'usage-events';
/** The repeatable evaluation of every tenant's monthly API calls against its quota. */
export const USAGE_QUOTA_QUEUE = 'usage-quota';

/** One metered occurrence: an API call, or a domain event such as `projects.created`. */
export interface UsageEvent {
  eventId: string;
  tenantId: string;
  metric: string;
  /** Epoch milliseconds. */
  at: number;
  route?: string;
  status?: number;
}

/** What one usage-events job carries; the batch id is its job id and its idempotency key. */
export interface UsageBatchJobData {
  batchId: string;
  events: UsageEvent[];
}
