import { ForbiddenException } from '@nestjs/common';
import type { TenantPrincipal } from '@tenantry/tenancy';

/**
 * The account routes (/v1/me/...) act on the signed-in user's own password, sessions and second
 * factor: an API key has none of these.
 */
export function assertSignedInUser(principal: TenantPrincipal): void {
  if (principal.actorType !== 'user') throw new ForbiddenException("This route acts on a signed-in user's own account; an API key has none");
}
