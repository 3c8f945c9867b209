import { Module } from '@nestjs/common';
import { SecretsModule } from '@tenantry/secrets';
import { SystemDbModule } from '@tenantry/system-db';
import { WebhooksModule } from '@tenantry/webhooks';
import { WebhookDeliverer } from './webhook-deliverer';
import { WebhookDeliveryLoop } from './webhook-delivery-loop';
import { WebhookDeliveryRepository } from './webhook-delivery.repository';
import { WebhookDispatchRepository } from './webhook-dispatch.repository';
import { WebhookDispatcher } from './webhook-dispatcher';

/** Webhooks in the worker: the dispatcher (events to due deliveries) and the delivery loop (claims, attempts, records). */
@Module({
  imports: [SystemDbModule, SecretsModule, WebhooksModule],
  providers: [WebhookDispatchRepository, WebhookDeliveryRepository, WebhookDeliverer, WebhookDeliveryLoop, WebhookDispatcher],
  exports: [WebhookDispatcher, WebhookDeliverer, WebhookDeliveryLoop],
})
export class WorkerWebhooksModule {}
