import { INestApplication } from '@nestjs/common';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { NextFunction, Request, Response } from 'express';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ObservedQueues } from '@tenantry/queues';
import { QUEUE_DASHBOARD_PATH, QueueDashboardAuth } from './queue-dashboard-auth';

const REASON = { 401: 'Unauthorized', 403: 'Forbidden' } as const;

/**
 * Serves bull-board for every queue of ALL_QUEUE_NAMES at /admin/queues, behind
 * QueueDashboardAuth: a refused request gets the API's error shape, never the UI.
 */
export function mountQueueDashboard(app: INestApplication): void {
  const auth = app.get(QueueDashboardAuth);
  const board = new ExpressAdapter();
  board.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues: app.get(ObservedQueues).queues.map((queue) => new BullMQAdapter(queue)),
    serverAdapter: board,
    options: { uiConfig: { boardTitle: 'tenantry queues' } },
  });

  const guard = (request: Request, response: Response, next: NextFunction) => {
    auth.check(request).then((verdict) => {
      // Job data names tenants: nothing of the dashboard may sit in a shared cache.
      response.setHeader('Cache-Control', 'no-store');
      if (verdict.isAllowed) return next();
      response.status(verdict.statusCode).json({ statusCode: verdict.statusCode, error: REASON[verdict.statusCode], message: verdict.message });
    }, next);
  };
  (app as NestExpressApplication).use(QUEUE_DASHBOARD_PATH, guard, board.getRouter());
}
