import { Injectable } from '@nestjs/common';
import type { TenantPrincipal } from './principal';

/** How long a passed check is trusted without being read again, whatever the version says: the backstop. */
export const TENANT_ACCESS_CACHE_MAX_AGE_MS = 10_000;
const MAX_ENTRIES = 50_000;

interface PassedCheck {
  /** The tenant's access version the check was read under. */
  version: string;
  /** The tenant's slug, for the host comparison each request still makes. */
  slug: string;
  checkedAt: number;
}

/**
 * The per-request tenant and user checks this process saw pass, by principal (tenant, user, role,
 * session; a key or SCIM token by tenant alone, its check being the tenant's), each with the
 * tenant's access version it was read under. A request whose rate-limit EVALSHA read the same
 * version skips the database check: every change the check reads bumps the version after commit,
 * and its answer waits for the bump (TenantAccessVersions), so the next request anywhere reads a
 * new version and checks again. Entries older than TENANT_ACCESS_CACHE_MAX_AGE_MS are checked
 * again anyway. Only passes are kept: a refusal is checked every time.
 */
@Injectable()
export class TenantAccessCache {
  private readonly entries = new Map<string, PassedCheck>();

  /** The entry's key for a principal. */
  static keyOf(principal: TenantPrincipal): string {
    return principal.actorType === 'user'
      ? `${principal.tenantId} ${principal.subjectId} ${principal.role} ${principal.sessionId ?? ''}`
      : principal.tenantId;
  }

  /** The slug of a check that passed under `version`, not too long ago; undefined when it must run. */
  passedSlug(key: string, version: string): string | undefined {
    const entry = this.entries.get(key);
    if (!entry || entry.version !== version) return undefined;
    if (Date.now() - entry.checkedAt >= TENANT_ACCESS_CACHE_MAX_AGE_MS) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.slug;
  }

  /** A check that passed, read under `version` by a request that started at `checkedAt`. */
  remember(key: string, version: string, slug: string, checkedAt: number): void {
    if (this.entries.size >= MAX_ENTRIES && !this.entries.has(key)) this.entries.clear();
    this.entries.set(key, { version, slug, checkedAt });
  }
}
