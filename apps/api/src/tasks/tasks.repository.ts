import { Injectable } from '@nestjs/common';
import { and, desc, eq } from 'drizzle-orm';
import { Task, tasks } from '@tenantry/db';
import { TenantTransaction } from '@tenantry/tenancy';
import { afterPosition, KeysetPosition } from '../pagination/cursor';

@Injectable()
export class TasksRepository {
  constructor(private readonly tenantTransaction: TenantTransaction) {}

  async list(projectId: string, limit: number, after: KeysetPosition | undefined): Promise<Task[]> {
    const { tx, tenantId } = this.tenantTransaction;
    return tx
      .select()
      .from(tasks)
      .where(
        and(
          eq(tasks.tenantId, tenantId),
          eq(tasks.projectId, projectId),
          afterPosition(tasks.createdAt, tasks.id, after),
        ),
      )
      .orderBy(desc(tasks.createdAt), desc(tasks.id))
      .limit(limit + 1);
  }

  async find(projectId: string, id: string): Promise<Task | undefined> {
    const { tx, tenantId } = this.tenantTransaction;
    const rows = await tx
      .select()
      .from(tasks)
      .where(and(eq(tasks.tenantId, tenantId), eq(tasks.projectId, projectId), eq(tasks.id, id)));
    return rows[0];
  }

  async create(values: { projectId: string; title: string; status?: Task['status'] }): Promise<Task> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx.insert(tasks).values({ ...values, tenantId }).returning();
    return row!;
  }

  async update(projectId: string, id: string, changes: { title?: string; status?: Task['status'] }) {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx
      .update(tasks)
      .set({ ...changes, updatedAt: new Date() })
      .where(and(eq(tasks.tenantId, tenantId), eq(tasks.projectId, projectId), eq(tasks.id, id)))
      .returning();
    return row;
  }

  async remove(projectId: string, id: string): Promise<boolean> {
    const { tx, tenantId } = this.tenantTransaction;
    const rows = await tx
      .delete(tasks)
      .where(and(eq(tasks.tenantId, tenantId), eq(tasks.projectId, projectId), eq(tasks.id, id)))
      .returning({ id: tasks.id });
    return rows.length > 0;
  }
}
