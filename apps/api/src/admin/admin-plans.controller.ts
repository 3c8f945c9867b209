import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiConflictResponse } from '@nestjs/swagger';
import { Audit } from '@tenantry/audit';
import { SystemAdminOnly } from '@tenantry/auth';
import { AdminService } from './admin.service';
import { CreatePlanDto, UpdatePlanDto } from './dto/plan.dto';

@SystemAdminOnly()
@Controller('v1/admin/plans')
export class AdminPlansController {
  constructor(private readonly admin: AdminService) {}

  @Get()
  list() {
    return this.admin.listPlans();
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.admin.getPlan(id);
  }

  @Audit('plan.created', 'plan')
  @ApiConflictResponse({ description: 'The key is taken' })
  @Post()
  create(@Body() body: CreatePlanDto) {
    return this.admin.createPlan(body);
  }

  @Audit('plan.updated', 'plan')
  @Patch(':id')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() body: UpdatePlanDto) {
    return this.admin.updatePlan(id, body);
  }
}
