import { Module } from '@nestjs/common';
import { DnsTxtResolver } from './dns-txt.resolver';
import { DomainsController } from './domains.controller';
import { DomainsRepository } from './domains.repository';
import { DomainsService } from './domains.service';

/** Verified domains: claimed by a tenant, proven by a DNS TXT record, one tenant per domain. */
@Module({
  controllers: [DomainsController],
  providers: [DnsTxtResolver, DomainsRepository, DomainsService],
  exports: [DomainsRepository],
})
export class DomainsModule {}
