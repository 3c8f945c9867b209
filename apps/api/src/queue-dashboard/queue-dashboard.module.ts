import { Module } from '@nestjs/common';
import { AdminModule } from '../admin/admin.module';
import { QueueDashboardAuth } from './queue-dashboard-auth';
import { QueueDashboardController } from './queue-dashboard.controller';

/** The system admins' BullMQ dashboard at /admin/queues (mounted by mountQueueDashboard). */
@Module({
  imports: [AdminModule],
  controllers: [QueueDashboardController],
  providers: [QueueDashboardAuth],
  exports: [QueueDashboardAuth],
})
export class QueueDashboardModule {}
