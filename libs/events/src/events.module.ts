import { Global, Module } from '@nestjs/common';
import { EventLog } from './event-log';
import { EventNotifier } from './event-notifier';

@Global()
@Module({ providers: [EventLog, EventNotifier], exports: [EventLog, EventNotifier] })
export class EventsModule {}
