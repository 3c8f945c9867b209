import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { Audit } from '@tenantry/audit';
import { Roles } from '@tenantry/auth';
import { TenantRequests } from '@tenantry/tenancy';
import { PageQuery } from '../pagination/cursor';
import { CreateTaskDto, TaskPage, TaskResponse, UpdateTaskDto } from './dto/task.dto';
import { TasksService } from './tasks.service';

@TenantRequests()
@Controller('v1/projects/:projectId/tasks')
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  @Get()
  list(@Param('projectId', ParseUUIDPipe) projectId: string, @Query() query: PageQuery): Promise<TaskPage> {
    return this.tasks.list(projectId, query);
  }

  @Roles('member')
  @Audit('task.created')
  @Post()
  create(@Param('projectId', ParseUUIDPipe) projectId: string, @Body() body: CreateTaskDto): Promise<TaskResponse> {
    return this.tasks.create(projectId, body);
  }

  @Get(':id')
  get(@Param('projectId', ParseUUIDPipe) projectId: string, @Param('id', ParseUUIDPipe) id: string): Promise<TaskResponse> {
    return this.tasks.get(projectId, id);
  }

  @Roles('member')
  @Audit('task.updated')
  @Patch(':id')
  update(
    @Param('projectId', ParseUUIDPipe) projectId: string,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: UpdateTaskDto,
  ): Promise<TaskResponse> {
    return this.tasks.update(projectId, id, body);
  }

  @Roles('member')
  @Audit('task.deleted')
  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('projectId', ParseUUIDPipe) projectId: string, @Param('id', ParseUUIDPipe) id: string) {
    await this.tasks.remove(projectId, id);
  }
}
