import { Body, Controller, Delete, Get, Header, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse } from '@nestjs/swagger';
import { Audit } from '@tenantry/audit';
import { Roles } from '@tenantry/auth';
import { TenantRequests } from '@tenantry/tenancy';
import { PageQuery } from '../pagination/cursor';
import {
  AcceptedDeliveryResponse,
  CreatedWebhookResponse,
  CreateWebhookDto,
  RotatedWebhookSecretResponse,
  UpdateWebhookDto,
  WebhookDeliveryPage,
  WebhookPage,
  WebhookResponse,
} from './dto/webhook.dto';
import { WebhookUrlGuard } from './webhook-url.guard';
import { WebhooksService } from './webhooks.service';

/** The tenant's webhook endpoints (owner and admin), their deliveries and replays. */
@Roles('admin')
@TenantRequests()
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Audit('webhook.created', 'webhook_endpoint')
  @UseGuards(WebhookUrlGuard)
  @Post()
  @Header('Cache-Control', 'no-store')
  create(@Body() body: CreateWebhookDto): Promise<CreatedWebhookResponse> {
    return this.webhooks.create(body);
  }

  @Get()
  list(@Query() query: PageQuery): Promise<WebhookPage> {
    return this.webhooks.list(query);
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string): Promise<WebhookResponse> {
    return this.webhooks.get(id);
  }

  @Audit('webhook.updated', 'webhook_endpoint')
  @UseGuards(WebhookUrlGuard)
  @Patch(':id')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateWebhookDto): Promise<WebhookResponse> {
    return this.webhooks.update(id, body);
  }

  @Audit('webhook.deleted', 'webhook_endpoint')
  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.webhooks.remove(id);
  }

  @Audit('webhook.secret_rotated', 'webhook_endpoint')
  @Post(':id/rotate-secret')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  rotateSecret(@Param('id', ParseUUIDPipe) id: string): Promise<RotatedWebhookSecretResponse> {
    return this.webhooks.rotateSecret(id);
  }

  @Audit('webhook.tested', 'webhook_endpoint')
  @ApiAcceptedResponse({ type: AcceptedDeliveryResponse, description: 'A webhook.test event is on its way to this endpoint' })
  @Post(':id/test')
  @HttpCode(202)
  sendTest(@Param('id', ParseUUIDPipe) id: string): Promise<AcceptedDeliveryResponse> {
    return this.webhooks.sendTest(id);
  }

  @Get(':id/deliveries')
  listDeliveries(@Param('id', ParseUUIDPipe) id: string, @Query() query: PageQuery): Promise<WebhookDeliveryPage> {
    return this.webhooks.listDeliveries(id, query);
  }

  @Audit('webhook.delivery_replayed', 'webhook_delivery')
  @ApiAcceptedResponse({ type: AcceptedDeliveryResponse, description: 'The delivery is due again at once' })
  @Post(':id/deliveries/:deliveryId/retry')
  @HttpCode(202)
  replayDelivery(@Param('id', ParseUUIDPipe) id: string, @Param('deliveryId', ParseUUIDPipe) deliveryId: string): Promise<AcceptedDeliveryResponse> {
    return this.webhooks.replayDelivery(id, deliveryId);
  }
}
