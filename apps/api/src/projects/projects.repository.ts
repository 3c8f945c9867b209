import { Injectable } from '@nestjs/common';
import { and, count, desc, eq, sql } from 'drizzle-orm';
import { preparedQuery, Project, projects } from '@tenantry/db';
import { TenantTransaction } from '@tenantry/tenancy';
import { afterPlaceholders, afterValues, KeysetPosition } from '../pagination/cursor';

// The reads every request of the projects API makes, built once (see preparedQuery).
const findProject = preparedQuery('projects.find', (tx) =>
  tx.select().from(projects).where(and(eq(projects.tenantId, sql.placeholder('tenantId')), eq(projects.id, sql.placeholder('id')))),
);
const firstPage = preparedQuery('projects.firstPage', (tx) =>
  tx
    .select()
    .from(projects)
    .where(eq(projects.tenantId, sql.placeholder('tenantId')))
    .orderBy(desc(projects.createdAt), desc(projects.id))
    .limit(sql.placeholder('limit')),
);
const nextPage = preparedQuery('projects.nextPage', (tx) =>
  tx
    .select()
    .from(projects)
    .where(and(eq(projects.tenantId, sql.placeholder('tenantId')), afterPlaceholders(projects.createdAt, projects.id)))
    .orderBy(desc(projects.createdAt), desc(projects.id))
    .limit(sql.placeholder('limit')),
);
// The writes, built once too: drizzle's ad-hoc statements go unnamed, described first every time (a round trip of their own).
const insertProject = preparedQuery('projects.insert', (tx) =>
  tx
    .insert(projects)
    .values({ tenantId: sql.placeholder('tenantId'), name: sql.placeholder('name'), description: sql.placeholder('description'), createdBy: sql.placeholder('createdBy') })
    .returning(),
);
const deleteProject = preparedQuery('projects.delete', (tx) =>
  tx
    .delete(projects)
    .where(and(eq(projects.tenantId, sql.placeholder('tenantId')), eq(projects.id, sql.placeholder('id'))))
    .returning({ id: projects.id }),
);

/**
 * Every query of projects. Each names tenant_id explicitly as well: RLS is the guarantee, the
 * explicit predicate keeps plans obvious and costs nothing.
 */
@Injectable()
export class ProjectsRepository {
  constructor(private readonly tenantTransaction: TenantTransaction) {}

  async list(limit: number, after: KeysetPosition | undefined): Promise<Project[]> {
    const { tx, tenantId } = this.tenantTransaction;
    return after
      ? nextPage(tx, { tenantId, limit: limit + 1, ...afterValues(after) })
      : firstPage(tx, { tenantId, limit: limit + 1 });
  }

  async count(): Promise<number> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx.select({ value: count() }).from(projects).where(eq(projects.tenantId, tenantId));
    return row!.value;
  }

  async find(id: string): Promise<Project | undefined> {
    const { tx, tenantId } = this.tenantTransaction;
    const rows = await findProject(tx, { tenantId, id });
    return rows[0];
  }

  async create(values: { name: string; description?: string | null; createdBy?: string }): Promise<Project> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await insertProject(tx, { tenantId, name: values.name, description: values.description ?? null, createdBy: values.createdBy ?? null });
    return row!;
  }

  async update(id: string, changes: { name?: string; description?: string | null }): Promise<Project | undefined> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx
      .update(projects)
      .set({ ...changes, updatedAt: new Date() })
      .where(and(eq(projects.tenantId, tenantId), eq(projects.id, id)))
      .returning();
    return row;
  }

  async remove(id: string): Promise<boolean> {
    const { tx, tenantId } = this.tenantTransaction;
    const rows = await deleteProject(tx, { tenantId, id });
    return rows.length > 0;
  }
}
