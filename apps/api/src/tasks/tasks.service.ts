import { Injectable, NotFoundException } from '@nestjs/common';
import { AuditTrail } from '@tenantry/audit';
import type { Task } from '@tenantry/db';
import { EventLog } from '@tenantry/events';
import { UsageRecorder } from '@tenantry/metering';
import { decodeCursor, Page, PageQuery, toPage } from '../pagination/cursor';
import { ProjectsService } from '../projects/projects.service';
import { CreateTaskDto, TaskResponse, toTaskResponse, UpdateTaskDto } from './dto/task.dto';
import { TasksRepository } from './tasks.repository';


@Injectable()
export class TasksService {
  constructor(
    private readonly repository: TasksRepository,
    private readonly projects: ProjectsService,
    private readonly trail: AuditTrail,
    private readonly usage: UsageRecorder,
    private readonly events: EventLog,
  ) {}

  async list(projectId: string, query: PageQuery): Promise<Page<TaskResponse>> {
    await this.projects.require(projectId);
    const rows = await this.repository.list(projectId, query.limit, decodeCursor(query.cursor));
    return toPage(rows, query.limit, toTaskResponse);
  }

  async create(projectId: string, input: CreateTaskDto): Promise<TaskResponse> {
    await this.projects.require(projectId);
    const task = toTaskResponse(await this.repository.create({ projectId, ...input }));
    this.usage.recordInTransaction('tasks.created');
    await this.events.record('task.created', { object: { ...task } });
    return task;
  }

  async get(projectId: string, id: string): Promise<TaskResponse> {
    const task = await this.repository.find(projectId, id);
    if (!task) throw new NotFoundException('Task not found');
    return toTaskResponse(task);
  }

  async update(projectId: string, id: string, changes: UpdateTaskDto): Promise<TaskResponse> {
    const previous = await this.get(projectId, id);
    this.trail.recordBefore(previous);
    const updated = await this.repository.update(projectId, id, changes);
    if (!updated) throw new NotFoundException('Task not found');
    const task = toTaskResponse(updated);
    await this.events.record('task.updated', { object: { ...task }, previous: { ...previous } });
    return task;
  }

  async remove(projectId: string, id: string): Promise<void> {
    const task = await this.get(projectId, id);
    this.trail.recordBefore(task);
    if (!(await this.repository.remove(projectId, id))) throw new NotFoundException('Task not found');
    await this.events.record('task.deleted', { object: { ...task } });
  }
}
