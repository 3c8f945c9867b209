/** The answer of POST /v1/admin/queues/session; the session itself travels in the cookie. */
export class QueueDashboardSession {
  /** Where the dashboard is served. @example "/admin/queues" */
  path: string;

  /** Seconds the session cookie lasts. @example 900 */
  expiresIn: number;
}
