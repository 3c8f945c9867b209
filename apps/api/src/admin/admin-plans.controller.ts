import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse } from '@nestjs/swagger';
import { AuditedInService } from '@tenantry/audit';
import { SystemAdminOnly } from '@tenantry/auth';
import { TenantRequests } from '@tenantry/tenancy';
import { AdminPlansService } from './admin-plans.service';
import { CreatePlanDto, PlanList, PlanResponse, UpdatePlanDto } from './dto/plan.dto';

@SystemAdminOnly()
@TenantRequests()
@Controller('v1/admin/plans')
export class AdminPlansController {
  constructor(private readonly plans: AdminPlansService) {}

  @Get()
  list(): Promise<PlanList> {
    return this.plans.listPlans();
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string): Promise<PlanResponse> {
    return this.plans.getPlan(id);
  }

  @AuditedInService('plan.created')
  @ApiCreatedResponse({ type: PlanResponse })
  @ApiConflictResponse({ description: 'The key is taken' })
  @Post()
  create(@Body() body: CreatePlanDto): Promise<PlanResponse> {
    return this.plans.createPlan(body);
  }

  @AuditedInService('plan.updated')
  @Patch(':id')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() body: UpdatePlanDto): Promise<PlanResponse> {
    return this.plans.updatePlan(id, body);
  }
}
