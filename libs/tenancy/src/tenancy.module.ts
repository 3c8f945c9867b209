import { Global, Module } from '@nestjs/common';
import { TenantAccessCache } from './tenant-access.cache';
import { TenantAccessVersions } from './tenant-access-versions';
import { TenantDirectoryRepository } from './tenant-directory.repository';
import { TenantRequestInterceptor } from './tenant-request.interceptor';
import { TenantTransaction } from './tenant-transaction';

@Global()
@Module({
  providers: [TenantTransaction, TenantDirectoryRepository, TenantAccessCache, TenantAccessVersions, TenantRequestInterceptor],
  exports: [TenantTransaction, TenantDirectoryRepository, TenantAccessCache, TenantAccessVersions, TenantRequestInterceptor],
})
export class TenancyModule {}
