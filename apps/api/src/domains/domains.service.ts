import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AuditTrail, AuditWriter } from '@tenantry/audit';
import type { TenantDomain } from '@tenantry/db';
import { TenantTransaction } from '@tenantry/tenancy';
import { decodeCursor, PageQuery, toPage } from '../pagination/cursor';
import { isConsumerMailDomain } from './consumer-domains';
import { DnsTxtResolver } from './dns-txt.resolver';
import { challengeRecordName, normalizeDomain } from './domain-name';
import { DomainsRepository } from './domains.repository';

export const presentDomain = (row: TenantDomain) => ({
  id: row.id,
  domain: row.domain,
  status: row.status,
  verification: { type: 'TXT', name: challengeRecordName(row.domain), value: row.challenge },
  failureReason: row.failureReason,
  checkedAt: row.checkedAt,
  verifiedAt: row.verifiedAt,
  createdAt: row.createdAt,
});

@Injectable()
export class DomainsService {
  constructor(
    private readonly repository: DomainsRepository,
    private readonly dns: DnsTxtResolver,
    private readonly trail: AuditTrail,
    private readonly audit: AuditWriter,
    private readonly tenantTransaction: TenantTransaction,
  ) {}

  async create(input: string) {
    const domain = normalizeDomain(input);
    if (!domain) throw new BadRequestException('domain must be a host name such as acme.example');
    if (isConsumerMailDomain(domain)) throw new BadRequestException(`${domain} is a consumer mail domain: anyone can have an address there`);
    return presentDomain(await this.repository.create(domain, `tenantry-domain-verification=${randomBytes(16).toString('base64url')}`));
  }

  async list(query: PageQuery) {
    return toPage(await this.repository.list(query.limit, decodeCursor(query.cursor)), query.limit, presentDomain);
  }

  async get(id: string) {
    return presentDomain(await this.require(id));
  }

  /**
   * Looks the challenge up in DNS: verified when one TXT record at the name equals it. The lookup
   * (up to seconds against a slow resolver) runs between two short tenant transactions, one that
   * reads the domain and one that records the result with its audit row, never inside one.
   */
  async verify(id: string) {
    const row = await this.tenantTransaction.runForRequest(() => this.require(id));
    const lookup = await this.dns.lookup(challengeRecordName(row.domain));
    const found = 'records' in lookup && lookup.records.includes(row.challenge);
    const reason = found ? null : 'error' in lookup ? lookup.error : `no TXT record at ${challengeRecordName(row.domain)} has the expected value`;
    return this.tenantTransaction.runForRequest(async () => {
      const checked = await this.repository.recordCheck(id, found ? 'verified' : 'failed', reason);
      // Removed while DNS answered: nothing left to record.
      if (!checked) throw new NotFoundException('Domain not found');
      await this.audit.write({
        action: 'domain.checked',
        resourceType: 'domain',
        resourceId: id,
        changes: { before: { status: row.status }, after: { status: checked.status, failureReason: checked.failureReason } },
      });
      return presentDomain(checked);
    });
  }

  async remove(id: string): Promise<void> {
    const row = await this.repository.delete(id);
    if (!row) throw new NotFoundException('Domain not found');
    this.trail.recordBefore({ id: row.id, domain: row.domain, status: row.status });
  }

  private async require(id: string): Promise<TenantDomain> {
    const row = await this.repository.find(id);
    if (!row) throw new NotFoundException('Domain not found');
    return row;
  }
}
