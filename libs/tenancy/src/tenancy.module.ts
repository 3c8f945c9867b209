import { Global, Module } from '@nestjs/common';
import { TenantDirectoryRepository } from './tenant-directory.repository';
import { TenantRequestInterceptor } from './tenant-request.interceptor';
import { TenantTransaction } from './tenant-transaction';

@Global()
@Module({
  providers: [TenantTransaction, TenantDirectoryRepository, TenantRequestInterceptor],
  exports: [TenantTransaction, TenantDirectoryRepository, TenantRequestInterceptor],
})
export class TenancyModule {}
