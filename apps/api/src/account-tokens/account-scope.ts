import { BadRequestException } from '@nestjs/common';
import { slugFromHost } from '@tenantry/tenancy';

/** The tenant slug of a public account request: the body's, else the host's (as for login). */
export function accountSlug(bodySlug: string | undefined, host: string | undefined, baseDomain: string | undefined): string {
  const hostSlug = slugFromHost(host, baseDomain);
  if (bodySlug && hostSlug && bodySlug !== hostSlug) throw new BadRequestException('tenant does not match the host');
  const slug = bodySlug ?? hostSlug;
  if (!slug) throw new BadRequestException('tenant is required (in the body or as the host name)');
  return slug;
}

/** The floor of every answer that must not tell a known account from an unknown one. */
export const UNIFORM_ANSWER_MS = 250;
