import { Controller, Get, Query } from '@nestjs/common';
import { Roles } from '@tenantry/auth';
import { presentEvent } from '@tenantry/events';
import { TenantRequests } from '@tenantry/tenancy';
import { decodeCursor, toPage } from '../pagination/cursor';
import { EventPage, EventQuery } from './dto/event.dto';
import { EventsRepository } from './events.repository';

@Roles('admin')
@TenantRequests()
@Controller('v1/events')
export class EventsController {
  constructor(private readonly repository: EventsRepository) {}

  /** The tenant's event log, newest first, optionally of one type. */
  @Get()
  async list(@Query() query: EventQuery): Promise<EventPage> {
    const rows = await this.repository.list({ type: query.type }, query.limit, decodeCursor(query.cursor));
    return toPage(
      rows.map((row) => ({ ...row, createdAt: row.occurredAt })),
      query.limit,
      presentEvent,
    );
  }
}
