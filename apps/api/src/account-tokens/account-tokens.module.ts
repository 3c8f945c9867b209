import { Global, Module } from '@nestjs/common';
import { AccountMailThrottle } from './account-mail-throttle';

/** What the account flows share: the throttle of the public mail and signup routes. */
@Global()
@Module({ providers: [AccountMailThrottle], exports: [AccountMailThrottle] })
export class AccountTokensModule {}
