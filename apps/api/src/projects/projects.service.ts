import { Injectable, NotFoundException } from '@nestjs/common';
import { AuditTrail } from '@tenantry/audit';
import type { Project } from '@tenantry/db';
import { EventLog } from '@tenantry/events';
import { UsageRecorder } from '@tenantry/metering';
import { CountedLimits, LIMIT } from '@tenantry/plans';
import type { TenantPrincipal } from '@tenantry/tenancy';
import { decodeCursor, Page, PageQuery, toPage } from '../pagination/cursor';
import { CreateProjectDto, ProjectResponse, toProjectResponse, UpdateProjectDto } from './dto/project.dto';
import { ProjectsRepository } from './projects.repository';


/** RFC 4180 quoting, and a leading quote for values a spreadsheet would run as a formula. */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

@Injectable()
export class ProjectsService {
  constructor(
    private readonly repository: ProjectsRepository,
    private readonly countedLimits: CountedLimits,
    private readonly trail: AuditTrail,
    private readonly usage: UsageRecorder,
    private readonly events: EventLog,
  ) {}

  async list(query: PageQuery): Promise<Page<ProjectResponse>> {
    const rows = await this.repository.list(query.limit, decodeCursor(query.cursor));
    return toPage(rows, query.limit, toProjectResponse);
  }

  async exportCsv(): Promise<string> {
    const lines = ['id,name,description,created_at,updated_at'];
    let after: Project | undefined;
    for (;;) {
      const rows = await this.repository.list(1000, after && { createdAt: after.createdAt, id: after.id });
      const page = rows.slice(0, 1000);
      lines.push(...page.map((p) => [p.id, p.name, p.description ?? '', p.createdAt.toISOString(), p.updatedAt.toISOString()].map(csvField).join(',')));
      if (rows.length <= 1000) break;
      after = page[page.length - 1];
    }
    return `${lines.join('\r\n')}\r\n`;
  }

  async get(id: string): Promise<ProjectResponse> {
    return toProjectResponse(await this.require(id));
  }

  /** 404 for a project that does not exist and for another tenant's alike. */
  async require(id: string): Promise<Project> {
    const project = await this.repository.find(id);
    if (!project) throw new NotFoundException('Project not found');
    return project;
  }

  async create(input: CreateProjectDto, principal: TenantPrincipal): Promise<ProjectResponse> {
    const createdBy = principal.actorType === 'user' ? principal.subjectId : undefined;
    await this.countedLimits.assertAvailable(LIMIT.PROJECTS, () => this.repository.count());
    const project = toProjectResponse(await this.repository.create({ ...input, createdBy }));
    this.usage.recordInTransaction('projects.created');
    await this.events.record('project.created', { object: { ...project } });
    return project;
  }

  async update(id: string, changes: UpdateProjectDto): Promise<ProjectResponse> {
    const previous = toProjectResponse(await this.require(id));
    this.trail.recordBefore(previous);
    const updated = await this.repository.update(id, changes);
    if (!updated) throw new NotFoundException('Project not found');
    const project = toProjectResponse(updated);
    await this.events.record('project.updated', { object: { ...project }, previous: { ...previous } });
    return project;
  }

  async remove(id: string): Promise<void> {
    const project = toProjectResponse(await this.require(id));
    this.trail.recordBefore(project);
    if (!(await this.repository.remove(id))) throw new NotFoundException('Project not found');
    await this.events.record('project.deleted', { object: { ...project } });
  }
}
