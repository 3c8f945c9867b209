import type { TenantPrincipal } from './principal';
import { TENANT_ACCESS_CACHE_MAX_AGE_MS, TenantAccessCache } from './tenant-access.cache';

const user = (overrides: Partial<TenantPrincipal> = {}): TenantPrincipal => ({
  kind: 'tenant',
  tenantId: 't1',
  subjectId: 'u1',
  actorType: 'user',
  role: 'member',
  sessionId: 's1',
  ...overrides,
});

describe('TenantAccessCache', () => {
  afterEach(() => jest.restoreAllMocks());

  it('answers a pass only under the version it was read under', () => {
    const cache = new TenantAccessCache();
    const key = TenantAccessCache.keyOf(user());
    cache.remember(key, 'v1', 'acme', Date.now());
    expect(cache.passedSlug(key, 'v1')).toBe('acme');
    expect(cache.passedSlug(key, 'v2')).toBeUndefined();
  });

  it('checks again once an entry is as old as the backstop, whatever the version says', () => {
    const cache = new TenantAccessCache();
    const key = TenantAccessCache.keyOf(user());
    const now = Date.now();
    cache.remember(key, 'v1', 'acme', now);
    jest.spyOn(Date, 'now').mockReturnValue(now + TENANT_ACCESS_CACHE_MAX_AGE_MS - 1);
    expect(cache.passedSlug(key, 'v1')).toBe('acme');
    jest.spyOn(Date, 'now').mockReturnValue(now + TENANT_ACCESS_CACHE_MAX_AGE_MS);
    expect(cache.passedSlug(key, 'v1')).toBeUndefined();
  });

  it('keys a user by tenant, user, role and session, and a key or SCIM token by its tenant', () => {
    const keys = [user(), user({ role: 'admin' }), user({ sessionId: 's2' }), user({ sessionId: undefined }), user({ subjectId: 'u2' }), user({ tenantId: 't2' })].map(
      TenantAccessCache.keyOf,
    );
    expect(new Set(keys).size).toBe(keys.length);
    expect(TenantAccessCache.keyOf(user({ actorType: 'api_key', subjectId: 'k1' }))).toBe(TenantAccessCache.keyOf(user({ actorType: 'scim_token', subjectId: 'k2' })));
  });
});
