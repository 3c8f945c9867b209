import { Module } from '@nestjs/common';
import { SystemDbModule } from '@tenantry/system-db';
import { MailDeliveryRepository } from './mail-delivery.repository';
import { MailDeliveryService } from './mail-delivery.service';
import { MailProcessors } from './mail.processors';

/** Outgoing mail in the worker: delivery of outbox rows over SMTP (or to .eml files), and the sweep. */
@Module({
  imports: [SystemDbModule],
  providers: [MailDeliveryRepository, MailDeliveryService, MailProcessors],
  exports: [MailDeliveryService],
})
export class WorkerMailModule {}
