import { IsString, MaxLength } from 'class-validator';
import type { DomainStatus } from '@tenantry/db';

export class CreateDomainDto {
  /** A mail domain of the tenant's users; consumer mail domains are refused. @example "acme.example" */
  @IsString()
  @MaxLength(253)
  domain: string;
}

/** The DNS record that proves the tenant controls the domain. */
export class DomainVerification {
  /** @example "TXT" */
  type: string;

  /** @example "_tenantry-challenge.acme.example" */
  name: string;

  /** @example "tenantry-domain-verification=3q2-7wEAAAAbNmDhcQ4kTg" */
  value: string;
}

export class DomainResponse {
  /** @example "4b1d2c3e-5f60-4a7b-8c9d-0e1f2a3b4c5d" */
  id: string;

  /** @example "acme.example" */
  domain: string;

  /** `pending` until checked, then `verified` or `failed` (check again after fixing the record). @example "pending" */
  status: DomainStatus;

  verification: DomainVerification;

  /** Why the last check failed. @example "no TXT record at _tenantry-challenge.acme.example" */
  failureReason: string | null;

  checkedAt: Date | null;

  verifiedAt: Date | null;

  createdAt: Date;
}

/** One page of domains, newest first. */
export class DomainPage {
  data: DomainResponse[];

  /** Null on the last page. @example "MjAyNS0wMS0wMlQwMzowNDowNS4wMDBafDRiMWQy" */
  nextCursor: string | null;
}
