import { Injectable } from '@nestjs/common';
import { Resolver } from 'node:dns/promises';
import { AppConfig } from '@tenantry/config';

export type TxtLookup = { records: string[] } | { error: string };

/**
 * TXT lookups through the resolvers of DNS_SERVERS (else the system's). Each attempt times out
 * after 2 s and is tried twice, so a verification never holds its request for long.
 */
@Injectable()
export class DnsTxtResolver {
  private readonly resolver: Resolver;

  constructor(config: AppConfig) {
    this.resolver = new Resolver({ timeout: 2000, tries: 2 });
    const servers = config.get('DNS_SERVERS');
    if (servers) this.resolver.setServers(servers.split(',').map((server) => server.trim()).filter(Boolean));
  }

  /** Every TXT record of `name` (the strings of one record joined, as RFC 7208 reads them). */
  async lookup(name: string): Promise<TxtLookup> {
    try {
      return { records: (await this.resolver.resolveTxt(name)).map((chunks) => chunks.join('')) };
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'ENODATA' || code === 'ENOTFOUND') return { error: `no TXT record at ${name}` };
      return { error: `the DNS lookup of ${name} failed (${code ?? 'error'})` };
    }
  }
}
