import { Module } from '@nestjs/common';
import { SecretsModule } from '@tenantry/secrets';
import { SystemDbModule } from '@tenantry/system-db';
import { WebhooksModule } from '@tenantry/webhooks';
import { WebhookDeliverer } from './webhook-deliverer';
import { WebhookDeliveryRepository } from './webhook-delivery.repository';
import { WebhookDispatchRepository } from './webhook-dispatch.repository';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookProcessors } from './webhook.processors';

/** Webhooks in the worker: the dispatcher (events to queued deliveries, due retries) and the delivery consumer. */
@Module({
  imports: [SystemDbModule, SecretsModule, WebhooksModule],
  providers: [WebhookDispatchRepository, WebhookDeliveryRepository, WebhookDeliverer, WebhookDispatcher, WebhookProcessors],
  exports: [WebhookDispatcher, WebhookDeliverer],
})
export class WorkerWebhooksModule {}
