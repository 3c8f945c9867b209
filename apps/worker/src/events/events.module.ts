import { Module } from '@nestjs/common';
import { SystemDbModule } from '@tenantry/system-db';
import { EventRetention } from './event-retention';
import { EventsProcessors } from './events.processors';

/** The tenant event log in the worker: retention (and, with webhooks, dispatch and delivery). */
@Module({
  imports: [SystemDbModule],
  providers: [EventRetention, EventsProcessors],
  exports: [EventRetention],
})
export class WorkerEventsModule {}
