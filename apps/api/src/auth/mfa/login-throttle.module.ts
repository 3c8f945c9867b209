import { Module } from '@nestjs/common';
import { LoginThrottle } from '../login-throttle';

/** The failure counters of sign-ins, password changes and second factors. */
@Module({ providers: [LoginThrottle], exports: [LoginThrottle] })
export class LoginThrottleModule {}
