import { Module } from '@nestjs/common';
import { SecretsModule } from '@tenantry/secrets';
import { WebhooksModule } from '@tenantry/webhooks';
import { WebhookUrlGuard } from './webhook-url.guard';
import { WebhooksController } from './webhooks.controller';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';

/** Webhook endpoints: created (secret shown once), changed, rotated, tested; their deliveries listed and replayed. */
@Module({
  imports: [SecretsModule, WebhooksModule],
  controllers: [WebhooksController],
  providers: [WebhooksRepository, WebhooksService, WebhookUrlGuard],
})
export class WebhooksApiModule {}
