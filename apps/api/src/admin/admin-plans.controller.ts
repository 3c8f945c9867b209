import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse } from '@nestjs/swagger';
import { Audit } from '@tenantry/audit';
import { SystemAdminOnly } from '@tenantry/auth';
import { AdminService } from './admin.service';
import { CreatePlanDto, PlanList, PlanResponse, UpdatePlanDto } from './dto/plan.dto';

@SystemAdminOnly()
@Controller('v1/admin/plans')
export class AdminPlansController {
  constructor(private readonly admin: AdminService) {}

  @Get()
  list(): Promise<PlanList> {
    return this.admin.listPlans();
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string): Promise<PlanResponse> {
    return this.admin.getPlan(id);
  }

  @Audit('plan.created', 'plan')
  @ApiCreatedResponse({ type: PlanResponse })
  @ApiConflictResponse({ description: 'The key is taken' })
  @Post()
  create(@Body() body: CreatePlanDto): Promise<PlanResponse> {
    return this.admin.createPlan(body);
  }

  @Audit('plan.updated', 'plan')
  @Patch(':id')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() body: UpdatePlanDto): Promise<PlanResponse> {
    return this.admin.updatePlan(id, body);
  }
}
