import { Body, Controller, Delete, Get, Header, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiProduces } from '@nestjs/swagger';
import { Audit } from '@tenantry/audit';
import { CurrentTenantPrincipal, Roles } from '@tenantry/auth';
import { FEATURE, RequireFeature } from '@tenantry/plans';
import type { TenantPrincipal } from '@tenantry/tenancy';
import { TenantRequests } from '@tenantry/tenancy';
import { PageQuery } from '../pagination/cursor';
import { CreateProjectDto, ProjectPage, ProjectResponse, UpdateProjectDto } from './dto/project.dto';
import { ProjectsService } from './projects.service';

@TenantRequests()
@Controller('v1/projects')
export class ProjectsController {
  constructor(private readonly projects: ProjectsService) {}

  @Get()
  list(@Query() query: PageQuery): Promise<ProjectPage> {
    return this.projects.list(query);
  }

  /** Every project as CSV: a plan feature (declared before `:id`, which it would otherwise match). */
  @RequireFeature(FEATURE.CSV_EXPORT)
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'A header row, then one row per project', schema: { type: 'string' } })
  @Get('export.csv')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @Header('Content-Disposition', 'attachment; filename="projects.csv"')
  exportCsv() {
    return this.projects.exportCsv();
  }

  @Roles('member')
  @Audit('project.created')
  @Post()
  create(@Body() body: CreateProjectDto, @CurrentTenantPrincipal() principal: TenantPrincipal): Promise<ProjectResponse> {
    return this.projects.create(body, principal);
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string): Promise<ProjectResponse> {
    return this.projects.get(id);
  }

  @Roles('member')
  @Audit('project.updated')
  @Patch(':id')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateProjectDto): Promise<ProjectResponse> {
    return this.projects.update(id, body);
  }

  @Roles('member')
  @Audit('project.deleted')
  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.projects.remove(id);
  }
}
