import { Global, Module } from '@nestjs/common';
import { LifecycleQueues } from './lifecycle-queues';

@Global()
@Module({ providers: [LifecycleQueues], exports: [LifecycleQueues] })
export class QueuesModule {}
