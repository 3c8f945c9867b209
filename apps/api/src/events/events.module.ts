import { Module } from '@nestjs/common';
import { EventsController } from './events.controller';
import { EventsRepository } from './events.repository';

/** A tenant's event log, for its admins: what its webhooks are sent. */
@Module({ controllers: [EventsController], providers: [EventsRepository] })
export class EventsApiModule {}
