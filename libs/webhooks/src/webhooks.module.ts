import { Module } from '@nestjs/common';
import { AppConfig } from '@tenantry/config';
import { WebhookAddressPolicy } from './address-policy';

/** The address policy, built once from the configuration, for the API (saving endpoints) and the worker (connecting). */
@Module({
  providers: [
    {
      provide: WebhookAddressPolicy,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        new WebhookAddressPolicy({ isProduction: config.isProduction, allowPrivate: config.get('WEBHOOK_ALLOW_PRIVATE'), dnsServers: config.get('DNS_SERVERS') }),
    },
  ],
  exports: [WebhookAddressPolicy],
})
export class WebhooksModule {}
